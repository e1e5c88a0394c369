#!/usr/bin/python3
"""A forward HTTP proxy that reaches Debian's mirror and nothing else.

scripts/test-deploy runs its Docker engine in a network namespace of its own
with no route out; apt-get in an image build reaches the mirror through this
proxy, on the host end of the namespace's link. Any other host is refused
(403), so nothing of the test reaches another address outside the machine.

  mirror_proxy.py BIND_ADDRESS PORT_FILE LOG_FILE HOST...

Writes the port it listens on to PORT_FILE and one line per request to
LOG_FILE (method, host, path, status)."""
import http.client
import http.server
import sys
import threading
import urllib.parse

HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "proxy-authorization",
              "te", "trailers", "transfer-encoding", "upgrade"}


class Proxy(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    allowed = set()
    log = None
    lock = threading.Lock()

    def _record(self, host, path, status):
        with self.lock:
            self.log.write(f"{self.command} {host} {path} {status}\n")
            self.log.flush()

    def _refuse(self, status, why):
        body = (why + "\n").encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _upstream(self, host):
        conns = getattr(self, "_conns", None)
        if conns is None:
            conns = self._conns = {}
        if host not in conns:
            conns[host] = http.client.HTTPConnection(host, 80, timeout=60)
        return conns[host]

    def _forward(self):
        url = urllib.parse.urlsplit(self.path)
        host = url.hostname or ""
        if url.scheme != "http" or host not in self.allowed or url.port not in (None, 80):
            self._record(host, url.path, 403)
            return self._refuse(403, f"mirror_proxy: only {sorted(self.allowed)}")
        path = url.path + ("?" + url.query if url.query else "")
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        for attempt in (1, 2):  # a kept-alive upstream connection may have closed
            conn = self._upstream(host)
            try:
                conn.request(self.command, path, headers=headers)
                reply = conn.getresponse()
                body = reply.read()
                break
            except (OSError, http.client.HTTPException) as e:
                conn.close()
                self._conns.pop(host, None)
                if attempt == 2:
                    self._record(host, url.path, 502)
                    return self._refuse(502, f"mirror_proxy: {e}")
        self._record(host, url.path, reply.status)
        self.send_response(reply.status, reply.reason)
        for k, v in reply.getheaders():
            if k.lower() not in HOP_BY_HOP and k.lower() != "content-length":
                self.send_header(k, v)
        if self.command == "HEAD":
            length = reply.getheader("Content-Length")
            if length is not None:
                self.send_header("Content-Length", length)
        elif reply.status not in (204, 304):
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD" and reply.status not in (204, 304):
            self.wfile.write(body)

    do_GET = _forward
    do_HEAD = _forward

    def do_CONNECT(self):
        self._record(self.path, "", 403)
        self._refuse(403, "mirror_proxy: no tunnels")

    def log_message(self, fmt, *args):
        pass


def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    bind, port_file, log_file = sys.argv[1:4]
    Proxy.allowed = set(sys.argv[4:])
    Proxy.log = open(log_file, "a")
    server = http.server.ThreadingHTTPServer((bind, 0), Proxy)
    server.daemon_threads = True
    with open(port_file + ".tmp", "w") as f:
        f.write(f"{server.server_address[1]}\n")
    import os
    os.rename(port_file + ".tmp", port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
