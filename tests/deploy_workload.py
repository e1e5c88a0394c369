#!/usr/bin/python3
"""Work for scripts/test-deploy while it kills, restarts and updates services:
commands that create one record each in every service, and the check that
every command answered ok is in its service's stream exactly once.

  deploy_workload.py round PREFIX N [OFFICE]
      the commands of round N as JSON lines: a candidate in OFFICE (by
      default nijmegen, intake-a, in odd rounds and ede, intake-b, in even
      ones), an expert (training), a host (placement), a signal (feedback);
      ids PREFIX-<kind>-N
  deploy_workload.py check PREFIX SENT_DIR EVENTS_FILE...
      SENT_DIR holds pairs N.jsonl (the commands sent) and N.replies (what
      opstap submit printed, one reply per command in order, fewer when it
      stopped); EVENTS_FILE is `opstap tail --from 1` of a service. Prints
      the figures; exits 1 when an acknowledged command is missing from the
      streams or is there more than once.
"""
import glob
import json
import os
import sys

# The event that each command makes, and the field that names its record.
CREATED = {
    "candidate.register": ("candidate.registered", "candidate"),
    "expert.register": ("expert.registered", "expert"),
    "host.register": ("host.registered", "host"),
    "signal.report": ("signal.reported", "signal"),
}

REQUIREMENTS = dict.fromkeys(
    ["one_year", "hours_12_24", "function_profile", "onboarding", "fixed_supervisor",
     "buddy", "allows_training", "insured", "paid_job_effort"], True)


def round_commands(prefix, n, office=None):
    office = office or ("nijmegen" if n % 2 else "ede")
    day = f"2019-{n % 12 + 1:02d}-{n % 28 + 1:02d}"
    return [
        {"cmd": "candidate.register", "office": office, "id": f"{prefix}-c-{n}",
         "birth_year": 1980 + n % 20, "referral": "uwv", "benefit": "wia",
         "treatment": "done",
         "criteria": {"psych_limitation": True, "motivated": True, "willing_to_train": True,
                      "arranges_benefits": True, "seeks_paid_work": True},
         "consent": {"processing": True, "evaluation_contact": False}, "date": day},
        {"cmd": "expert.register", "office": office, "id": f"{prefix}-e-{n}", "paid": True,
         "fte": 0.5, "experience": ["anxiety"], "max_caseload": 4, "date": day},
        {"cmd": "host.register", "office": office, "id": f"{prefix}-h-{n}",
         "name": f"Gastgever {n}", "sector": "zorg", "client_org": False,
         "requirements": REQUIREMENTS, "date": day},
        {"cmd": "signal.report", "office": office, "id": f"{prefix}-s-{n}",
         "category": "registration", "text": "werkdruk", "date": day},
    ]


def check(prefix, sent_dir, event_files):
    acked, unanswered, refused = [], 0, {}
    for sent in sorted(glob.glob(os.path.join(sent_dir, "*.jsonl"))):
        commands = [json.loads(l) for l in open(sent) if l.strip()]
        replies_file = sent[:-len(".jsonl")] + ".replies"
        replies = []
        if os.path.exists(replies_file):
            replies = [json.loads(l) for l in open(replies_file) if l.startswith("{")]
        unanswered += len(commands) - len(replies)
        for cmd, reply in zip(commands, replies):
            if reply.get("ok"):
                acked.append(cmd)
            else:
                code = reply.get("error", {}).get("code", "?")
                refused[code] = refused.get(code, 0) + 1
    seen = {}
    for path in event_files:
        for line in open(path):
            if not line.startswith("{"):
                continue
            event = json.loads(line)
            for kind, field in CREATED.values():
                if event.get("type") == kind and str(event.get(field, "")).startswith(prefix + "-"):
                    key = (kind, event[field])
                    seen[key] = seen.get(key, 0) + 1
    missing = [c["id"] for c in acked if seen.get(CREATED[c["cmd"]][0:1] + (c["id"],), 0) == 0]
    twice = sorted(f"{k[1]} x{v}" for k, v in seen.items() if v > 1)
    print(f"acknowledged {len(acked)}, in the streams {sum(1 for _ in seen)}, "
          f"missing {len(missing)}, more than once {len(twice)}, "
          f"error replies {sum(refused.values())} {refused or ''}, unanswered {unanswered}")
    for what, ids in (("missing", missing), ("more than once", twice)):
        if ids:
            print(f"{what}: {' '.join(ids[:20])}")
    return 0 if acked and not missing and not twice else 1


def main():
    if len(sys.argv) in (4, 5) and sys.argv[1] == "round":
        for cmd in round_commands(sys.argv[2], int(sys.argv[3]), *sys.argv[4:]):
            print(json.dumps(cmd))
        return 0
    if len(sys.argv) >= 5 and sys.argv[1] == "check":
        return check(sys.argv[2], sys.argv[3], sys.argv[4:])
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main())
