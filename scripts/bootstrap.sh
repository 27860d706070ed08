#!/usr/bin/env bash
# Installs what refcheck needs, each piece only when it is missing, and says what it is doing:
# npm packages, the Temporal CLI, PostgreSQL (unless DATABASE_URL is set), then compiles.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

TEMPORAL_CLI_VERSION=v1.5.1 # the last tag `go install` accepts (later ones carry a replace directive)

# 1. npm packages
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step "Installing npm packages"
  # npm install, not npm ci: registry mirrors that lack some platforms' optional packages (swc's
  # darwin/win32 builds) leave them out of the lock file, and npm ci then refuses a lock it calls
  # out of sync. The lock still pins every version that is installed.
  npm install --no-audit --no-fund --loglevel=error
else
  step "npm packages are installed"
fi

# 2. The Temporal CLI (its dev server is the local Temporal, UI included)
if [ -x .tools/bin/temporal ]; then
  step "Temporal CLI: .tools/bin/temporal"
elif command -v temporal >/dev/null 2>&1; then
  step "Temporal CLI: $(command -v temporal)"
else
  command -v go >/dev/null 2>&1 || fail "the Temporal CLI is not on PATH and Go (1.25+) is not installed to build it. Install one of them."
  step "Building the Temporal CLI $TEMPORAL_CLI_VERSION into .tools/bin (first run only: a few minutes on 2 cores)"
  mkdir -p .tools/bin
  # go install -v names each package as it compiles; print a running count rather than hundreds of lines.
  GOBIN="$PWD/.tools/bin" CGO_ENABLED=0 go install -v "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_VERSION" 2>&1 |
    awk '/^go: downloading/ { d++; if (d % 50 == 0) printf "    downloaded %d modules\n", d; next }
         { n++; if (n % 100 == 0) printf "    compiled %d packages\n", n; fflush() }
         END { if (n) printf "    done: %d modules downloaded, %d packages compiled\n", d, n; else print "    done (from Go'"'"'s build cache)" }'
  [ -x .tools/bin/temporal ] || fail "building the Temporal CLI failed (see the output above)"
  note "$(.tools/bin/temporal --version)"
fi

# 3. PostgreSQL: a local throwaway cluster is made from the machine's PostgreSQL when DATABASE_URL is unset
if [ -n "${DATABASE_URL:-}" ]; then
  step "PostgreSQL: using DATABASE_URL"
elif command -v initdb >/dev/null 2>&1 || compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; then
  step "PostgreSQL: found the server binaries"
else
  is_root && command -v apt-get >/dev/null 2>&1 || fail "PostgreSQL is not installed. Install it (e.g. apt-get install postgresql) or set DATABASE_URL."
  step "Installing PostgreSQL from Debian's packages"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
  note "installed $(ls /usr/lib/postgresql)"
fi
if [ -z "${DATABASE_URL:-}" ] && is_root && ! id postgres >/dev/null 2>&1; then
  # PostgreSQL refuses to run as root: the local cluster belongs to this system user.
  useradd --system --no-create-home --shell /usr/sbin/nologin postgres
fi

# 4. Chromium, for the browser tests and the demo (Debian's build; playwright-core drives it)
if [ -x /usr/bin/chromium ] || [ -n "${CHROMIUM_PATH:-}" ]; then
  step "Chromium: ${CHROMIUM_PATH:-/usr/bin/chromium}"
else
  is_root && command -v apt-get >/dev/null 2>&1 || fail "Chromium is not installed. Install it (apt-get install chromium) or set CHROMIUM_PATH."
  step "Installing Chromium from Debian's packages (for the browser tests and the demo)"
  [ -n "$(find /var/lib/apt/lists -name '*Packages*' -print -quit 2>/dev/null)" ] || apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null || {
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
  }
  note "$(/usr/bin/chromium --version 2>/dev/null)"
fi

# 5. Compile
step "Compiling TypeScript"
npm run build --silent
