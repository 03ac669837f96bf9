# One image for every process; docker-compose.yml picks the entry point per service.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
# npm fetches the status page's chart library during the gateway's build.
RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
WORKDIR /src
COPY . .
RUN dotnet publish src/Silo -c Release -o /app/silo \
 && dotnet publish src/Gateway -c Release -o /app/gateway \
 && dotnet publish src/Notifier -c Release -o /app/notifier

FROM mcr.microsoft.com/dotnet/aspnet:10.0
COPY --from=build /app /app
WORKDIR /srv
