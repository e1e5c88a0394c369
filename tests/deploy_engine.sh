# A Docker engine of scripts/test-deploy's own (sourced): containerd and
# dockerd in a network namespace and a mount namespace of their own, with
# their data, state and socket under the test's directory.
#
# Docker's engine changes its network namespace: iptables rules, the
# FORWARD policy (DROP), net.ipv4.ip_forward, net.bridge.bridge-nf-call-*
# (per namespace since Linux 5.3). In a namespace of its own it changes
# them there only, and the host's stay as they were. The namespace has no
# route out: its one link goes to the host's end, where tests/mirror_proxy.py
# lets image builds reach Debian's mirror and nothing else. Its mounts
# (a private /run, /etc/docker, the containers' layers) live in its own
# mount namespace and go with it. Its containers' cgroups are under
# opstap-deploy-<pid>, removed at the end.
#
#   engine_start DIR   sets ENGINE_NS ENGINE_IP HOST_IP DOCKER_HOST ENGINE_PROXY
#   engine_stop        stops what engine_start started, by pid, and removes it

engine_ns="" engine_veth="" engine_cgroup="" engine_dir=""
engine_dockerd="" engine_containerd="" engine_proxy=""

engine_start() { # engine_start DIR
  engine_dir="$1"
  mkdir -p "$engine_dir"
  engine_ns="opstap-deploy-$$"
  engine_veth="od$$h"
  engine_cgroup="opstap-deploy-$$"
  # A /30 of our own, outside test_netns's 10.20-219 range.
  local net tries=0
  while :; do
    net="10.$((220 + RANDOM % 30)).$((RANDOM % 250)).$((4 * (RANDOM % 60)))"
    ip -o addr | grep -q " ${net%.*}\." || break
    tries=$((tries + 1))
    [ $tries -lt 20 ] || { echo "engine: no free address range" >&2; return 1; }
  done
  HOST_IP="${net%.*}.$((${net##*.} + 1))"
  ENGINE_IP="${net%.*}.$((${net##*.} + 2))"
  ENGINE_NS="$engine_ns"
  ip netns add "$engine_ns" || return 1
  ip link add "$engine_veth" type veth peer name eth0 netns "$engine_ns" || return 1
  ip addr add "$HOST_IP/30" dev "$engine_veth" && ip link set "$engine_veth" up \
    && ip -n "$engine_ns" addr add "$ENGINE_IP/30" dev eth0 \
    && ip -n "$engine_ns" link set eth0 up && ip -n "$engine_ns" link set lo up || return 1

  /usr/bin/python3 "$ENGINE_SRC/tests/mirror_proxy.py" "$HOST_IP" "$engine_dir/proxy.port" \
    "$engine_dir/proxy.log" deb.debian.org 2>"$engine_dir/proxy.err" &
  engine_proxy=$!
  local i
  for i in $(seq 50); do [ -s "$engine_dir/proxy.port" ] && break; sleep 0.1; done
  [ -s "$engine_dir/proxy.port" ] || { echo "engine: the mirror proxy did not start" >&2; return 1; }
  ENGINE_PROXY="http://$HOST_IP:$(cat "$engine_dir/proxy.port")"

  cat >"$engine_dir/containerd.toml" <<EOF
version = 2
root = "$engine_dir/containerd"
state = "/run/containerd"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "/run/containerd/containerd.sock"
[plugins."io.containerd.internal.v1.opt"]
  path = "$engine_dir/opt"
EOF
  echo '{}' >"$engine_dir/daemon.json"
  mkdir -p "$engine_dir/cgroup"
  # unshare: a mount namespace whose mounts stay in it. The host's cgroup
  # tree is kept aside, /sys is mounted again for the network namespace
  # (as `ip netns exec` does) and the cgroup tree put back on it.
  unshare --mount --propagation slave bash -c "
    mount -n --rbind /sys/fs/cgroup '$engine_dir/cgroup'
    exec nsenter --net=/run/netns/$engine_ns bash -c '
      umount -n -l /sys && mount -n -t sysfs opstap-sys /sys
      mount -n --rbind \"$engine_dir/cgroup\" /sys/fs/cgroup
      mount -n -t tmpfs -o mode=0755 opstap-run /run
      mount -n -t tmpfs -o mode=0755 opstap-etc-docker /etc/docker
      containerd --config \"$engine_dir/containerd.toml\" >\"$engine_dir/containerd.log\" 2>&1 &
      echo \$! >\"$engine_dir/containerd.pid\"
      for i in \$(seq 100); do [ -S /run/containerd/containerd.sock ] && break; sleep 0.1; done
      exec dockerd --config-file \"$engine_dir/daemon.json\" \
        --data-root \"$engine_dir/docker\" --exec-root /run/docker \
        --pidfile /run/docker.pid -H \"unix://$engine_dir/docker.sock\" \
        --containerd /run/containerd/containerd.sock \
        --cgroup-parent $engine_cgroup'" >"$engine_dir/dockerd.log" 2>&1 &
  engine_dockerd=$!
  DOCKER_HOST="unix://$engine_dir/docker.sock"
  export DOCKER_HOST
  for i in $(seq 150); do
    docker version >/dev/null 2>&1 && break
    kill -0 "$engine_dockerd" 2>/dev/null || break
    sleep 0.2
  done
  engine_containerd="$(cat "$engine_dir/containerd.pid" 2>/dev/null)"
  if ! docker version >/dev/null 2>&1; then
    echo "engine: dockerd did not start; its log ends:" >&2
    tail -5 "$engine_dir/dockerd.log" >&2
    return 1
  fi
}

s_wait_gone() { # s_wait_gone PID SECONDS
  local i
  for i in $(seq $(($2 * 5))); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.2; done
  return 1
}

engine_stop() {
  local pid
  if [ -n "$engine_dockerd" ]; then
    docker swarm leave --force >/dev/null 2>&1
    # dockerd stops its containers (SIGTERM, their grace) before it exits.
    kill -TERM "$engine_dockerd" 2>/dev/null
    s_wait_gone "$engine_dockerd" 90 || kill -KILL "$engine_dockerd" 2>/dev/null
    wait "$engine_dockerd" 2>/dev/null
  fi
  if [ -n "$engine_containerd" ]; then
    kill -TERM "$engine_containerd" 2>/dev/null
    s_wait_gone "$engine_containerd" 30 || kill -KILL "$engine_containerd" 2>/dev/null
  fi
  # What is left in the namespace (containerd's shims) and in the
  # containers' cgroups was started by this engine.
  if [ -n "$engine_ns" ]; then
    for pid in $(ip netns pids "$engine_ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
  fi
  if [ -n "$engine_cgroup" ]; then
    for pid in $(cat /sys/fs/cgroup/pids/"$engine_cgroup"/*/cgroup.procs 2>/dev/null); do
      kill -KILL "$pid" 2>/dev/null
    done
    sleep 0.5
    local d
    for d in /sys/fs/cgroup/*/"$engine_cgroup"; do
      [ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
    done
  fi
  if [ -n "$engine_proxy" ]; then
    kill -TERM "$engine_proxy" 2>/dev/null
    wait "$engine_proxy" 2>/dev/null
  fi
  [ -n "$engine_ns" ] && ip netns del "$engine_ns" 2>/dev/null
  [ -n "$engine_veth" ] && ip link del "$engine_veth" 2>/dev/null
  engine_dockerd="" engine_containerd="" engine_proxy=""
  return 0
}

engine_host_state() { # what the engine must leave as it was, one line each
  echo "net.ipv4.ip_forward=$(cat /proc/sys/net/ipv4/ip_forward)"
  echo "net.bridge.bridge-nf-call-iptables=$(cat /proc/sys/net/bridge/bridge-nf-call-iptables 2>/dev/null)"
  echo "iptables FORWARD: $(iptables -S FORWARD 2>/dev/null | head -1)"
  echo "iptables DOCKER chains: $(iptables -S 2>/dev/null | grep -c DOCKER)"
  echo "iptables nat DOCKER chains: $(iptables -t nat -S 2>/dev/null | grep -c DOCKER)"
  echo "links named docker*: $(ip -o link | grep -c ': docker')"
}

engine_leftovers() { # what engine_stop must have removed
  ip netns list 2>/dev/null | grep -w "$engine_ns"
  ip -o link 2>/dev/null | grep -w "$engine_veth"
  ls -d /sys/fs/cgroup/*/"$engine_cgroup" 2>/dev/null
  grep -F "$engine_dir" /proc/self/mountinfo
}
