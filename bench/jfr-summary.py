#!/usr/bin/python3
"""Aggregates `jfr print --events jdk.ExecutionSample` output (a file, or a .jfr it prints itself).

Prints markdown: top frames (self), top packages (self), and each sample attributed to ONE
component: the innermost (closest to the top of the stack) frame that belongs to a known
component decides, so nested handler chains (ctx.next() inside a handler) are not counted twice.
Usage: bench/jfr-summary.py FILE.jfr | samples.txt
"""
import collections
import re
import subprocess
import sys

src = sys.argv[1]
text = (subprocess.run(["jfr", "print", "--events", "jdk.ExecutionSample", "--stack-depth", "96", src],
                       check=True, capture_output=True, text=True).stdout
        if src.endswith(".jfr") else open(src).read())
stacks, cur = [], None
for line in text.splitlines():
    s = line.strip()
    if s.startswith("jdk.ExecutionSample"):
        cur = []
        stacks.append(cur)
    elif cur is not None and re.match(r"^[\w$.<>/]+\(.*\)", s):
        cur.append(s.split("(")[0])
n = len(stacks)
print(f"{n} execution samples (Java code only: time inside system calls is not in these samples).\n")

self_f = collections.Counter(st[0] for st in stacks if st)
def pkg(f):
    parts = f.split(".")
    return ".".join(parts[:3]) if len(parts) > 3 else f
self_p = collections.Counter(pkg(st[0]) for st in stacks if st)
print("### Top frames (self)\n\n| % | frame |\n| ---: | --- |")
for f, c in self_f.most_common(25):
    print(f"| {100 * c / n:.1f} | `{f}` |")
print("\n### Top packages (self, first 3 name parts)\n\n| % | package |\n| ---: | --- |")
for f, c in self_p.most_common(15):
    print(f"| {100 * c / n:.1f} | `{f}` |")

# Order matters only for frames matching two patterns; attribution walks the stack from the top.
components = [
    ("metrics: Micrometer + vertx-micrometer per-request meter lookups", r"^io\.micrometer|^io\.vertx\.micrometer"),
    ("request id: UUID / SecureRandom", r"^java\.util\.UUID|^sun\.security\.provider\.(NativePRNG|SecureRandom)|^java\.security\.SecureRandom"),
    ("JWT: HMAC (javax.crypto, sun.security)", r"^javax\.crypto|^com\.sun\.crypto|^sun\.security"),
    ("JWT: JSON decode / claims (Jackson, JsonObject)", r"^com\.fasterxml\.jackson|^io\.vertx\.core\.json"),
    ("JWT: vertx-auth-jwt, JWTAuthHandler, our token checks", r"^io\.vertx\.ext\.auth|^io\.vertx\.ext\.web\.handler\.impl\.(JWTAuthHandler|AuthenticationHandler|HTTPAuthorizationHandler|WebAuthenticationHandler)|^io\.tokengate\.(proxy\.AccessTokenHandler|auth\.|revocation\.)"),
    ("tokengate's other route handlers (identity/forwarded headers, selector, access log, guard)", r"^io\.tokengate\."),
    ("vertx-http-proxy + web-proxy (ReverseProxy, ProxyHandler, interceptors)", r"^io\.vertx\.httpproxy|^io\.vertx\.ext\.web\.proxy"),
    ("router (vertx-web RoutingContext, route matching, regex)", r"^io\.vertx\.ext\.web|^java\.util\.regex"),
    ("Vert.x HTTP client (upstream side)", r"^io\.vertx\.core\.http\.impl\.(Http1xClient|SharedHttpClient|HttpClient|ClientHttp|.*Client)"),
    ("Vert.x HTTP server (client side)", r"^io\.vertx\.core\.http\.impl\.(Http1xServer|HttpServer|.*Server)"),
    ("Vert.x HTTP headers / codec glue", r"^io\.vertx\.core\.http"),
    ("Vert.x core: futures, contexts, streams", r"^io\.vertx\.core"),
    ("Netty: channel pipeline, I/O, buffers, HTTP codec", r"^io\.netty"),
]
compiled = [(name, re.compile(rx)) for name, rx in components]
owner = collections.Counter()
for st in stacks:
    for f in st:
        hit = next((name for name, rx in compiled if rx.search(f)), None)
        if hit:
            owner[hit] += 1
            break
    else:
        owner["other (JDK frames with no known caller in the sampled depth)"] += 1
print("\n### Samples by component (innermost known frame decides)\n\n| % | component |\n| ---: | --- |")
for name, c in owner.most_common():
    print(f"| {100 * c / n:.1f} | {name} |")
