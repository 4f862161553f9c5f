"""Print a deb822 source entry for Debian's newest suite (sid), derived from
this machine's own apt configuration: the URI and keyring of its first
Debian archive entry, with the type changed to deb-src.  No address is
written into the repository."""

import glob
import re
import sys


def entries():
    """(types, uris, suites, signed_by) of every configured source."""
    for path in sorted(glob.glob("/etc/apt/sources.list.d/*.sources")):
        for stanza in re.split(r"\n\s*\n", open(path).read()):
            fields = dict(re.findall(r"^([A-Za-z-]+):\s*(.*)$", stanza, re.M))
            if "URIs" in fields and fields.get("Enabled", "yes") != "no":
                yield fields.get("Types", "").split(), fields["URIs"].split(), fields.get("Suites", "").split(), fields.get("Signed-By", "")
    for path in ["/etc/apt/sources.list"] + sorted(glob.glob("/etc/apt/sources.list.d/*.list")):
        try:
            lines = open(path).read().splitlines()
        except OSError:
            continue
        for line in lines:
            m = re.match(r"^\s*(deb(?:-src)?)\s+(?:\[([^\]]*)\]\s+)?(\S+)\s+(\S+)", line)
            if m:
                signed = re.search(r"signed-by=(\S+)", m.group(2) or "")
                yield [m.group(1)], [m.group(3)], [m.group(4)], signed.group(1) if signed else ""


def main():
    for types, uris, suites, signed_by in entries():
        release = [s for s in suites if "-" not in s]
        uri = next((u for u in uris if u.rstrip("/").endswith("/debian")), None)
        if "deb" in types and release and uri:
            print("Types: deb-src")
            print(f"URIs: {uri}")
            print("Suites: sid")
            print("Components: main")
            if signed_by:
                print(f"Signed-By: {signed_by}")
            return 0
    print("debsrc.py: no Debian archive entry in this machine's apt sources", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
