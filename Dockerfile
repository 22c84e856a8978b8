# tokengate runtime image: a Java 17 JRE, the jar, a non-root user, the measured JVM flags and an
# AppCDS archive made by a training run at build time. Build the jar first, then the image:
#   mvn -B -DskipTests package
#   docker build -t tokengate:0.1.0 .        (or podman build; docs/deploy.md, "Container")
# BASE_IMAGE: any image with a Java 17 runtime (`java` on PATH) and bash, e.g. the Debian-made base of
# deploy/container/make-local-base.sh where no registry is reachable.
ARG BASE_IMAGE=eclipse-temurin:17-jre
FROM ${BASE_IMAGE}

# A fixed numeric user (the Kubernetes Deployment's runAsUser), no login shell, owning nothing but
# the AppCDS directory it writes at build time.
RUN echo 'tokengate:x:10001:10001:tokengate:/app:/usr/sbin/nologin' >> /etc/passwd \
 && echo 'tokengate:x:10001:' >> /etc/group \
 && mkdir -p /app/cds \
 && chown 10001:10001 /app/cds

# The name and tag the Kubernetes Deployment and deploy/compose.yaml use (DeployManifestsTest keeps them equal).
LABEL org.opencontainers.image.title="tokengate" \
      org.opencontainers.image.version="0.1.0" \
      org.opencontainers.image.description="Reactive JWT gateway, wire-compatible with Simple JWT's token API"

WORKDIR /app
COPY target/tokengate.jar /app/tokengate.jar
COPY deploy/container/train-cds.sh /app/train-cds.sh

# The gateway flags of docs/performance.md, "JVM flags" (fixed pre-touched 96 MB heap, throughput GC).
# Override with -e JAVA_OPTS=... (docker/podman run, compose, a Kubernetes env entry).
ENV JAVA_OPTS="-XX:+UseParallelGC -Xms96m -Xmx96m -XX:+AlwaysPreTouch -XX:ReservedCodeCacheSize=64m -Xss512k" \
    TOKENGATE_HTTP_PORT=8000 \
    TOKENGATE_MANAGEMENT_HOST=0.0.0.0 \
    TOKENGATE_MANAGEMENT_PORT=9090

USER 10001:10001

# AppCDS (docs/performance.md, "Faster start (AppCDS)"): --build-arg APPCDS=false skips the training run; a
# missing or stale archive only costs start-up time (the JVM warns and loads classes normally).
ARG APPCDS=true
RUN if [ "$APPCDS" = true ]; then bash /app/train-cds.sh /app/cds/tokengate.jsa; fi

# 8000: token API and routes; 9090: /metrics and /health/* (keep it off the public network).
EXPOSE 8000 9090

# No curl in a minimal JRE image: bash's /dev/tcp asks the management port for /health/ready.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${TOKENGATE_MANAGEMENT_PORT} && printf 'GET /health/ready HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]

# exec: java is PID 1 and gets SIGTERM itself (graceful shutdown). Arguments after the image name
# replace "serve": e.g. `user add alice --password-stdin`, `migrate`, `tokens flush-expired`.
ENTRYPOINT ["/bin/sh", "-c", "exec java -XX:SharedArchiveFile=/app/cds/tokengate.jsa $JAVA_OPTS -jar /app/tokengate.jar \"$@\"", "tokengate"]
CMD ["serve"]
