# The two commands: `make up` starts the system, `make test` runs every test.
CONFIG ?= Release
export CONFIG

.PHONY: up down silo test build bench clean

up: build        ## Redis (AOF under data/redis), one silo, the gateway and the notifier, in the background
	@scripts/up.sh

down:            ## stop exactly what `make up` and `make silo` started
	@scripts/down.sh

silo: build      ## one more silo on the next free ports
	@scripts/silo.sh

test:            ## every test: unit, TestCluster, HTTP and Redis integration
	@scripts/test.sh

build:
	@bash -c 'source scripts/lib.sh && install_npm' # the gateway's build fetches the status page's chart library with npm
	@dotnet build Alerts.sln -c $(CONFIG) -nologo -clp:ErrorsOnly

clean:
	@dotnet clean Alerts.sln -nologo -v q

bench: build     ## one file end to end beside a plain baseline (ROWS, USERS, SILOS, RATE, RECEIVER_RATE: see scripts/bench.sh)
	@scripts/bench.sh
