#!/usr/bin/env bash
# Runs the demo on http://127.0.0.1:8080 with the given worker class (default: the one in
# application.yml). Extra arguments go to Spring Boot, e.g.:
#   demo-app/run.sh virtual
#   demo-app/run.sh sync --server.workers=1 --server.port=8081
set -euo pipefail
cd "$(dirname "$0")/.."
args=()
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
  args+=("--server.worker-class=$1"); shift
fi
args+=("$@")
./mvnw -q -B install -DskipTests -pl demo-app -am
# "validate" first: it selects the JDK 21+ (toolchains) that spring-boot:run then uses.
exec ./mvnw -q -B -pl demo-app validate spring-boot:run -Dspring-boot.run.arguments="${args[*]:-}"
