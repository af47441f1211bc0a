# The chat node (Chat.Web), built in one stage and run in another as a non-root user.
#
# The .NET SDK and ASP.NET runtime images come from Microsoft's own container registry. Its host is not
# written here: pass it as the DOTNET_REGISTRY build argument (docker-compose.yml takes it from the
# environment variable of the same name; see the README, "Docker").
ARG DOTNET_REGISTRY
ARG DOTNET_SDK_IMAGE=dotnet/sdk:10.0
ARG DOTNET_RUNTIME_IMAGE=dotnet/aspnet:10.0

FROM ${DOTNET_REGISTRY}/${DOTNET_SDK_IMAGE} AS build
# The build runs npm ci for the page's pinned browser packages (resclient); the SDK image is Debian.
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Project files first, so the package restore stays cached until a dependency changes.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY Chat.Actors/Chat.Actors.csproj Chat.Actors/
COPY Chat.Client/Chat.Client.csproj Chat.Client/
COPY Chat.Nats/Chat.Nats.csproj Chat.Nats/
COPY Chat.Res/Chat.Res.csproj Chat.Res/
COPY Chat.Gateway/Chat.Gateway.csproj Chat.Gateway/
COPY Chat.Web/Chat.Web.csproj Chat.Web/package.json Chat.Web/package-lock.json Chat.Web/
# The runtime is named so the node is precompiled (ReadyToRun): a restarted node joins its cluster sooner.
RUN dotnet restore Chat.Web/Chat.Web.csproj --use-current-runtime
COPY schema/ schema/
COPY Chat.Actors/ Chat.Actors/
COPY Chat.Client/ Chat.Client/
COPY Chat.Nats/ Chat.Nats/
COPY Chat.Res/ Chat.Res/
COPY Chat.Gateway/ Chat.Gateway/
COPY Chat.Web/ Chat.Web/
RUN dotnet publish Chat.Web/Chat.Web.csproj -c Release --use-current-runtime --self-contained false --no-restore -o /app

FROM ${DOTNET_REGISTRY}/${DOTNET_RUNTIME_IMAGE} AS runtime
WORKDIR /app
COPY --from=build /app .
# The base image's unprivileged "app" user; the node needs no root (ports 8080 and 4053 are above 1024).
USER $APP_UID
ENV ASPNETCORE_HTTP_PORTS=8080
# 8080: HTTP (/health, /alive, /chat-config.json, the embedded gateway); 4053: Akka cluster remoting.
EXPOSE 8080 4053
ENTRYPOINT ["dotnet", "Chat.Web.dll"]
