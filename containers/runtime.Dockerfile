# The .NET runtime image both FitCluster images build on: the project's Debian base (./fit image makes it with
# debootstrap from Debian's packages; no registry) plus the ASP.NET Core shared runtime copied from the host's .NET SDK
# (./fit image stages dotnet/ in the build context: the host, hostfxr and the Microsoft.NETCore.App and
# Microsoft.AspNetCore.App folders of one version). Runs as the unprivileged user "app" (uid 1654, as Microsoft's images).
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
COPY dotnet/ /usr/share/dotnet/
RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet \
 && echo 'app:x:1654:1654:app:/app:/usr/sbin/nologin' >> /etc/passwd \
 && echo 'app:x:1654:' >> /etc/group \
 && mkdir -p /app && chown 1654:1654 /app
ENV DOTNET_ROOT=/usr/share/dotnet \
    DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    DOTNET_NOLOGO=1
WORKDIR /app
USER 1654:1654
