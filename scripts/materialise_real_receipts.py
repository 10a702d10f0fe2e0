#!/usr/bin/env python3
"""Materialises the real-photo receipt corpus (tests/real-receipts/manifest.tsv) from local git
copies of the public repositories it lists. The photos are not in this repository: none of their
repositories states a licence that lets us redistribute them, so they are measured by hand
(`scripts/bench-real`), never in CI.

    materialise_real_receipts.py OUT_DIR [--mirrors DIR]

A repository `owner/name` is looked for as a bare or plain git directory at `DIR/owner+name/repo`,
`DIR/owner+name`, `DIR/owner/name` (default DIR: $CHEK_MIRRORS, else /work/.mirror). Each photo is
read with `git show COMMIT:PATH`, checked against the blob id in the manifest, and written as
OUT_DIR/<id>; OUT_DIR/manifest.tsv is a copy of the manifest. Missing repositories are listed at
the end (exit status 1), the photos found are still written.
"""
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
MANIFEST = os.path.join(HERE, "..", "tests", "real-receipts", "manifest.tsv")


def git_dir(mirrors, repo):
    owner, name = repo.split("/", 1)
    for cand in (
        os.path.join(mirrors, f"{owner}+{name}", "repo"),
        os.path.join(mirrors, f"{owner}+{name}"),
        os.path.join(mirrors, owner, name, ".git"),
        os.path.join(mirrors, owner, name),
    ):
        if os.path.isdir(cand) and (
            os.path.exists(os.path.join(cand, "HEAD")) or os.path.exists(os.path.join(cand, "objects"))
        ):
            return cand
    return None


def rows():
    with open(MANIFEST, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        for line in f:
            yield dict(zip(header, line.rstrip("\n").split("\t")))


def main():
    args = sys.argv[1:]
    if not args or args[0].startswith("-"):
        sys.exit(__doc__)
    out = args[0]
    mirrors = os.environ.get("CHEK_MIRRORS", "/work/.mirror")
    if "--mirrors" in args:
        mirrors = args[args.index("--mirrors") + 1]
    os.makedirs(out, exist_ok=True)
    missing, written, bad = set(), 0, []
    for r in rows():
        g = git_dir(mirrors, r["repo"])
        if g is None:
            missing.add(r["repo"])
            continue
        data = subprocess.run(
            ["git", "--git-dir", g, "show", f"{r['commit']}:{r['path']}"], capture_output=True
        )
        if data.returncode != 0:
            bad.append(f"{r['id']}: {r['repo']}@{r['commit'][:10]}:{r['path']}: {data.stderr.decode().strip()}")
            continue
        blob = subprocess.run(
            ["git", "hash-object", "--stdin"], input=data.stdout, capture_output=True
        ).stdout.decode().strip()
        if blob != r["blob"]:
            bad.append(f"{r['id']}: blob {blob} != {r['blob']}")
            continue
        with open(os.path.join(out, r["id"]), "wb") as f:
            f.write(data.stdout)
        written += 1
    shutil.copyfile(MANIFEST, os.path.join(out, "manifest.tsv"))
    print(f"{written} photos written to {out}", file=sys.stderr)
    for b in bad:
        print(f"error: {b}", file=sys.stderr)
    for m in sorted(missing):
        print(f"missing repository {m}: clone it (git clone --bare) under {mirrors}/{m.replace('/', '+', 1)}",
              file=sys.stderr)
    sys.exit(1 if missing or bad else 0)


if __name__ == "__main__":
    main()
