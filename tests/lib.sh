# Shared by the shell tests (sourced): counted checks, a free range of
# loopback ports, a scratch directory cleaned up at exit, and the closing
# line ctest and CI read.

failures=0
checks=0

check() { # check DESCRIPTION COMMAND...
  local what="$1"; shift
  checks=$((checks + 1))
  if "$@"; then echo "ok   $what"; else echo "FAIL $what"; failures=$((failures + 1)); fi
}

free_base() { # free_base COUNT: the first of COUNT free ports on 127.0.0.1
  /usr/bin/python3 - "$1" <<'PY'
import random, socket, sys
count = int(sys.argv[1])
for _ in range(200):
    # Below the ephemeral ports (32768 on) that outgoing connections take,
    # and below the C tests' range (20000-32699).
    base = random.randrange(10000, 19950, 50)
    socks = []
    try:
        for port in range(base, base + count):
            s = socket.socket(); s.bind(("127.0.0.1", port)); socks.append(s)
        print(base); break
    except OSError:
        pass
    finally:
        for s in socks: s.close()
PY
}

kill_all() { # SIGKILLs and reaps every process in the array pids (indexed or associative)
  local n
  for n in "${!pids[@]}"; do
    kill -KILL "${pids[$n]}" 2>/dev/null
    wait "${pids[$n]}" 2>/dev/null
  done
}

scratch() { # scratch NAME: a fresh directory $tmp; at exit every process in
  # pids is killed, cleanup_more runs if the script defines it, and $tmp is
  # removed (KEEP=1 keeps it, for a look after a failure)
  tmp="$(mktemp -d "/tmp/opstap-$1-XXXXXX")"
  trap lib_cleanup EXIT
}

lib_cleanup() {
  kill_all
  if declare -F cleanup_more >/dev/null; then cleanup_more; fi
  if [ -n "${KEEP:-}" ]; then echo "kept $tmp"; else rm -rf "$tmp"; fi
}

ep() { # ep PORT-EXPRESSION: a tcp endpoint on loopback
  echo "tcp://127.0.0.1:$(($1))"
}

summary() { # the closing line; the exit status says whether all passed
  echo "$((checks - failures)) passed, $failures failed"
  [ "$failures" -eq 0 ]
}
