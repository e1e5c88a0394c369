"""A CURVE client for tests/test_security.sh, independent of the C code.

  security_client.py stream KEYS CERT EVENTS SERVER SECONDS
      subscribes to everything on a PUB endpoint and prints each topic
      received for SECONDS
  security_client.py call KEYS CERT COMMAND SERVER JSON...
      sends each JSON body in turn on ONE connection and prints each reply
      as JSON; a line on stdin between bodies ("next") paces it, so the
      caller can change the keys directory between two commands
"""
import json
import sys
import time

import msgpack
import zmq


def read_cert(path):
    keys = {}
    for line in open(path):
        line = line.strip()
        for name in ("public-key", "secret-key"):
            if line.startswith(name):
                keys[name] = line.split("=", 1)[1].strip().strip('"')
    return keys


def curve(sock, keys_dir, cert, server):
    mine = read_cert(cert)
    theirs = read_cert("%s/%s.key" % (keys_dir, server))
    sock.curve_publickey = mine["public-key"].encode()
    sock.curve_secretkey = mine["secret-key"].encode()
    sock.curve_serverkey = theirs["public-key"].encode()


def stream(keys_dir, cert, endpoint, server, seconds):
    ctx = zmq.Context()
    sub = ctx.socket(zmq.SUB)
    curve(sub, keys_dir, cert, server)
    sub.setsockopt(zmq.SUBSCRIBE, b"")
    sub.connect(endpoint)
    print("ready", flush=True)
    end = time.time() + float(seconds)
    while time.time() < end:
        if sub.poll(100):
            topic, _ = sub.recv_multipart()
            print(topic.decode(), flush=True)
    sub.close(0)


def call(keys_dir, cert, endpoint, server, bodies):
    ctx = zmq.Context()
    dealer = ctx.socket(zmq.DEALER)
    curve(dealer, keys_dir, cert, server)
    dealer.connect(endpoint)
    for i, body in enumerate(bodies):
        if i:
            sys.stdin.readline()
        dealer.send(msgpack.packb(json.loads(body)))
        if dealer.poll(3000):
            print(json.dumps(msgpack.unpackb(dealer.recv(), raw=False)), flush=True)
        else:
            print("no reply", flush=True)
    dealer.close(0)


if __name__ == "__main__":
    if sys.argv[1] == "stream":
        stream(*sys.argv[2:7])
    else:
        call(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6:])
