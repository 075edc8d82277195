#!/usr/bin/env bash
# Lays out the file system of Waypost's container image, for Jib to pack onto an empty (scratch)
# base. No base image is pulled from a registry: the Java runtime is jlinked from the JDK that runs
# the build, and the C libraries it needs are copied from the build machine, so the image runs on
# that machine's architecture (x86-64 or aarch64) and nowhere else.
#
#   stage-root.sh JAVA_HOME WAYPOST_JAR OUT_DIR
#
# OUT_DIR receives /opt/java (the runtime), /opt/waypost/waypost.jar, the shared libraries the
# runtime and SQLite's native library load, /etc (passwd, group, nsswitch.conf, the container's
# waypost.yaml) and the empty /var/lib/waypost and /tmp, which pom.xml hands to the waypost user.
set -euo pipefail

[ $# -eq 3 ] || { echo "usage: $0 JAVA_HOME WAYPOST_JAR OUT_DIR" >&2; exit 2; }
jdk="$1" jar="$(readlink -f "$2")" out="$3"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

die() { echo "stage-root: $*" >&2; exit 1; }
[ -x "$jdk/bin/jlink" ] || die "no jlink in $jdk: the image needs a full JDK"
[ -f "$jar" ] || die "$jar is missing: build it first (mvn package)"

# What the jar needs (jdeps over its dependencies), plus what it loads only at run time: locale
# data for the es and zh pages, EC keys for TLS to PostgreSQL, zipfs and JMX for metrics.
# java.desktop is there for java.beans, which Jackson, Jetty and the PostgreSQL driver touch.
modules=java.base,java.desktop,java.instrument,java.logging,java.management,java.naming
modules+=,java.net.http,java.rmi,java.scripting,java.security.jgss,java.sql,java.xml
modules+=,jdk.crypto.ec,jdk.localedata,jdk.management,jdk.unsupported,jdk.zipfs

rm -rf "$out"
mkdir -p "$out/opt/waypost" "$out/etc/waypost" "$out/var/lib/waypost" "$out/tmp"

# Layers are gzipped by Jib, so jlink's own compression would only cost build time.
"$jdk/bin/jlink" --add-modules "$modules" --include-locales=en,es,zh \
  --strip-debug --no-man-pages --no-header-files --output "$out/opt/java"
# A server never opens a window or plays a sound: drop the natives that link X11 and ALSA, so the
# image needs no GUI libraries (AWT falls back to libawt_headless, which links none).
rm -f "$out"/opt/java/lib/{libawt_xawt,libjawt,libjsound,libsplashscreen}.so

cp "$jar" "$out/opt/waypost/waypost.jar"

# SQLite's native library for this machine, as sqlite-jdbc will pick it inside the container.
case "$(uname -m)" in
  x86_64) sqlite_arch=x86_64 ;;
  aarch64) sqlite_arch=aarch64 ;;
  *) die "the image is built for x86_64 or aarch64 only, not $(uname -m)" ;;
esac
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
(cd "$scratch" && "$jdk/bin/jar" xf "$jar" "org/sqlite/native/Linux/$sqlite_arch/libsqlitejdbc.so")
elves=("$scratch/org/sqlite/native/Linux/$sqlite_arch/libsqlitejdbc.so")
while IFS= read -r -d '' file; do
  elves+=("$file")
done < <(find "$out/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' -o -name jspawnhelper \) -print0)

# Copy every shared library outside the runtime that those files load, under the same path, and
# the dynamic loader itself (ldd prints it without "=>").
copy_lib() {
  local path="$1"
  [ -e "$out$path" ] && return 0
  mkdir -p "$out$(dirname "$path")"
  cp -L "$path" "$out$path"
}
for elf in "${elves[@]}"; do
  # libjvm.so is already loaded by the launcher when the others are, from lib/server.
  missing="$(ldd "$elf" | awk '/not found/ && $1 != "libjvm.so" { print $1 }')"
  [ -z "$missing" ] || die "$elf needs libraries this machine lacks: $missing"
  while read -r lib; do
    case "$lib" in
      "$out"/*) ;;  # inside the runtime
      /*) copy_lib "$lib" ;;
    esac
  done < <(ldd "$elf" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }')
done

cp "$here/passwd" "$here/group" "$here/nsswitch.conf" "$out/etc/"
cp "$here/waypost.yaml" "$out/etc/waypost/waypost.yaml"
