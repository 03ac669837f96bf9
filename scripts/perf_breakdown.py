"""Sorts `perf script` samples of a silo by what the code was doing.

Each sample goes to the first frame, from the leaf up, that names an activity (so time spent in the
runtime on behalf of, say, the Redis client counts as Redis); samples with no managed frame at all
are the runtime's own threads (GC, thread pool) or the kernel's.
"""
import collections
import re
import sys
CATS = [
    ("JIT compiling", r"libclrjit"),
    ("Redis client (grain state)", r"StackExchange\.Redis|Orleans\.Persistence\.Redis|Orleans\.Reminders\.Redis|Orleans\.Clustering\.Redis"),
    ("HTTP client to the webhook", r"System\.Net\.Http\.|Alerts\.Grains\.Delivery\.WebhookSender"),
    ("parsing the file", r"CsvHelper|Alerts\.Grains\.Files\.Reading"),
    ("JSON", r"System\.Text\.Json"),
    ("grain calls (messaging, serialization, scheduling, activation)", r"Orleans\."),
    ("alerts code", r"Alerts\."),
    ("hashing", r"Cryptography|libcrypto"),
]
samples = collections.Counter()
stack = []


def flush():
    if not stack: return
    cat = None
    for frame in stack:  # leaf first
        for name, pat in CATS:
            if re.search(pat, frame):
                cat = name; break
        if cat: break
    if cat is None:
        joined = " ".join(stack)
        cat = "runtime: GC, thread pool, stubs (no managed caller)" if "libcoreclr" in joined else ("kernel (network, scheduling)" if "kernel" in joined else "other")
    samples[cat] += 1


for line in open(sys.argv[1], errors="replace"):
    line = line.rstrip()
    if not line:
        flush(); stack = []
    elif line.startswith("\t") or line.startswith(" "):
        stack.append(line.strip())
flush()
total = sum(samples.values()) or 1
print(f"silo CPU samples by activity ({total} samples):")
for name, n in samples.most_common():
    print(f"  {name:66} {100*n/total:5.1f} %")
