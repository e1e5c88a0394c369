#!/usr/bin/python3
"""Seed corpora for the fuzz targets, from examples/*.jsonl and hand-made
replay messages, plus a libFuzzer dictionary of MessagePack-encoded keys and
command names.

    make_seeds.py SOURCE_ROOT OUT_DIR [--limit N]

writes OUT_DIR/<target>/<name> and OUT_DIR/opstap.dict. --limit keeps N
seeds per target (the small set stored in tests/fuzz/seeds)."""
import hashlib
import json
import os
import sys

import msgpack

# Which service takes a command: common/directory.c's routes.
ROUTES = [("candidate.", 0), ("expert.", 1), ("cohort.", 1), ("meeting.", 1),
          ("goal.", 1), ("reflection.", 1), ("host.", 2), ("vacancy.", 2),
          ("placement.", 2), ("survey.", 3), ("signal.", 3), ("report.", 4)]
SERVICES = ["intake", "training", "placement", "feedback", "reporting"]


def service_of(cmd):
    for prefix, index in ROUTES:
        if cmd.startswith(prefix):
            return index
    return None


def pack(obj):
    return msgpack.packb(obj, use_bin_type=True)


def example_commands(root):
    folder = os.path.join(root, "examples")
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".jsonl"):
            continue
        with open(os.path.join(folder, name), encoding="utf-8") as f:
            for number, line in enumerate(f, 1):
                line = line.strip()
                if line and not line.startswith("#"):
                    body = json.loads(line)
                    body.setdefault("rid", "seed-%s-%d" % (name[:-6], number))
                    yield body


def reporting_commands():
    yield {"cmd": "report.summary", "rid": "r1"}
    yield {"cmd": "report.summary", "office": "nijmegen", "from": "2017-01-01",
           "to": "2018-12-31", "k": 5}
    yield {"cmd": "service.status"}


def event_of(body, seq):
    """An event as evlog_append packs it, made from a command."""
    event = {k: v for k, v in body.items() if k not in ("cmd", "rid", "after")}
    event.update({"type": body["cmd"].replace(".", ".ed_", 1), "service": "intake",
                  "instance": "intake", "seq": seq, "eid": "intake:%d" % seq,
                  "office": body.get("office", "nijmegen"),
                  "at": "2017-07-03T10:00:00.000Z"})
    return event


def replay_seeds(bodies):
    requests = [
        {"cmd": "replay", "from": 1, "max": 256},
        {"cmd": "replay", "from": 9007199254740992, "max": 1000, "rid": "r-1"},
        {"cmd": "replay", "from": 0},
        {"cmd": "replay", "from": -1, "max": 2000},
        {"cmd": "replay", "from": 1, "office": "nijmegen",
         "after": [{"service": "intake", "instance": "intake", "seq": 4}]},
        {"cmd": "candidate.get", "from": 1},
        {"cmd": "replay", "from": "1"},
        {"cmd": "replay", "from": 1, "extra": True},
    ]
    for i, req in enumerate(requests):
        for shape in (0, 1, 2, 3) if i == 0 else (i % 4,):
            yield "req%d-%d" % (i, shape), bytes([0, shape]) + pack(req)
    events = [event_of(b, i + 1) for i, b in enumerate(bodies[:6])]
    answers = [
        {"ok": True, "head": len(events), "events": events},
        {"ok": True, "head": 0, "events": []},
        {"ok": True, "head": -5, "events": [{"seq": -1}, {"seq": 2**63}, {"seq": 0}]},
        {"ok": False, "error": {"code": "invalid_argument", "message": "x"}},
        {"ok": True, "head": 9, "events": events[:1] + [{"seq": 7}] + events[1:2]},
    ]
    for i, answer in enumerate(answers):
        yield "answer%d" % i, bytes([1]) + pack(answer)
    for i, event in enumerate(events[:4]):
        yield "hint%d" % i, bytes([2]) + pack(event)
    yield "hint-neg", bytes([2]) + pack({"seq": -3, "type": "x"})


def text_seeds():
    for text in ["2017-07-03", "2000-02-29", "1900-02-29", "c-anna", "123456782",
                 "label with spaces", " lead", "\u00e9t\u00e9"]:
        yield text.encode("utf-8", "surrogatepass")
    yield b"\xc0\xaf"
    yield b"\xed\xa0\x80"
    yield b"\xf4\x90\x80\x80"


def json_seeds(root, bodies):
    folder = os.path.join(root, "examples")
    for name in sorted(os.listdir(folder)):
        if name.endswith(".jsonl"):
            with open(os.path.join(folder, name), "rb") as f:
                for line in f:
                    if line.strip() and not line.startswith(b"#"):
                        yield b"\x00" + line
    for text in [b'{"a": [1, -1, 1.5, -0.0, 1e300, 18446744073709551615, '
                 b'-9223372036854775808, true, false, null]}',
                 b'"\\u00e9\\ud83d\\ude00\\u0000\\n\\"\\/"', b'[[[[[[]]]]]]',
                 b'{"x": 0.1, "y": 123456789012345678901234567890}', b' 7 ',
                 b'"\\ud800"', b'{"k": {"k": {}}}']:
        yield b"\x00" + text
    for body in bodies[:20]:
        yield b"\x01" + pack(body)
    yield b"\x01" + pack({"f": 0.1, "n": float("nan"), "i": float("inf"),
                          "b": b"\x00\xff", "s": "\u00e9\u0000"})


def seeds(root):
    bodies = list(example_commands(root)) + list(reporting_commands())
    out = {"fuzz_codec": [], "fuzz_command": [], "fuzz_replay": [], "fuzz_json": []}
    for body in bodies:
        data = pack(body)
        out["fuzz_codec"].append(data)
        index = service_of(body["cmd"])
        out["fuzz_command"].append(bytes([index if index is not None else 0]) + data)
    # Some hand-made refusals: bad framing of the envelope, unknown fields.
    for index in range(len(SERVICES)):
        out["fuzz_command"].append(bytes([index]) + pack({"cmd": "x.y", "rid": "123456782"}))
    out["fuzz_command"].append(bytes([0]) + pack(
        {"cmd": "candidate.get", "office": "nijmegen", "id": "c-anna",
         "\u00e9" * 30: 1}))
    out["fuzz_codec"].extend(text_seeds())
    out["fuzz_replay"] = [data for _, data in replay_seeds(bodies)]
    out["fuzz_json"] = list(json_seeds(root, bodies))
    return bodies, out


def dictionary(bodies):
    words = {"cmd", "rid", "office", "after", "from", "max", "seq", "head", "events",
             "ok", "error", "service", "instance", "type", "eid", "at", "date",
             "replay", "service.status"}
    stack = list(bodies)
    while stack:
        obj = stack.pop()
        if isinstance(obj, dict):
            words.update(k for k in obj.keys())
            stack.extend(obj.values())
        elif isinstance(obj, list):
            stack.extend(obj)
        elif isinstance(obj, str) and len(obj) <= 32:
            words.add(obj)
    lines = []
    for word in sorted(words):
        token = pack(word)
        lines.append('"%s"' % "".join("\\x%02x" % b for b in token))
    for raw in (b"\xde\x00\x10", b"\xdc\x00\x10", b"\xcf", b"\xd3", b"\xcb", b"\xca",
                b"\xd9", b"\xda", b"\xdb", b"\xdd", b"\xdf", b"\xc0", b"\xc2", b"\xc3"):
        lines.append('"%s"' % "".join("\\x%02x" % b for b in raw))
    return "\n".join(lines) + "\n"


def main():
    args = sys.argv[1:]
    limit = None
    if "--limit" in args:
        at = args.index("--limit")
        limit = int(args[at + 1])
        del args[at:at + 2]
    if len(args) != 2:
        sys.exit(__doc__)
    root, out_dir = args
    bodies, corpora = seeds(root)
    for target, items in corpora.items():
        folder = os.path.join(out_dir, target)
        os.makedirs(folder, exist_ok=True)
        if limit is not None:
            # Spread the kept seeds over the whole list, not just its head.
            step = max(1, len(items) // limit)
            items = items[::step][:limit]
        for data in items:
            name = hashlib.sha1(data).hexdigest()
            with open(os.path.join(folder, name), "wb") as f:
                f.write(data)
        print("%s: %d seeds" % (target, len(items)))
    if limit is None:
        with open(os.path.join(out_dir, "opstap.dict"), "w") as f:
            f.write(dictionary(bodies))


if __name__ == "__main__":
    main()
