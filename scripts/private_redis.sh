#!/usr/bin/env bash
# Sourced by CI scripts that start processes or containers on a Redis broker: a Redis of their own on a free
# loopback port (REDIS_PORT), stopped by its pid when the calling shell exits, so they never touch the databases
# of the shared Redis the test suite uses. The caller's EXIT trap must call stop_private_redis.
REDIS_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --daemonize no >/dev/null 2>&1 &
REDIS_PID=$!
for _ in $(seq 40); do redis-cli -p "$REDIS_PORT" ping 2>/dev/null | grep -c PONG >/dev/null && break; sleep 0.25; done
stop_private_redis() { kill "$REDIS_PID" 2>/dev/null || true; wait "$REDIS_PID" 2>/dev/null || true; }
