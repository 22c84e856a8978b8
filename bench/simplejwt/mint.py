"""Mints N Simple JWT refresh tokens (HS256, same claims Simple JWT makes) for one user id, one per
line, so a refresh benchmark can present each token once (rotation blacklists it after use)."""
import base64, hashlib, hmac, json, os, sys, time, uuid

def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

key, user_id, count = os.environ["BENCH_SIGNING_KEY"].encode(), int(sys.argv[1]), int(sys.argv[2])
header = b64(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
now = int(time.time())
for _ in range(count):
    payload = {"token_type": "refresh", "exp": now + 86400, "iat": now, "jti": uuid.uuid4().hex, "user_id": user_id}
    signing_input = header + "." + b64(json.dumps(payload, separators=(",", ":")).encode())
    print(signing_input + "." + b64(hmac.new(key, signing_input.encode(), hashlib.sha256).digest()))
