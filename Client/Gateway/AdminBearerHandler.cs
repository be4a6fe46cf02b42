using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace FitCluster.Client.Gateway;

/// <summary>
/// The static bearer-token scheme of the admin endpoints: <c>Authorization: Bearer TOKEN</c> with one of the
/// <see cref="AdminTokens"/>. A missing or wrong credential is challenged with 401 and <c>WWW-Authenticate: Bearer</c>;
/// with no token configured on this process the admin endpoints are disabled (403 <c>admin_disabled</c>). Failures
/// are logged as warnings, at most one line per kind every <see cref="LogThrottle.Interval"/>.
/// </summary>
public sealed partial class AdminBearerHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory loggerFactory, UrlEncoder encoder,
    AdminTokens tokens, LogThrottle throttle)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    private const string BearerPrefix = "Bearer ";
    private const string NoCredential = "no bearer credential";
    private const string WrongToken = "a bearer token that is not an admin token";
    private const string Disabled = "admin endpoints are disabled: no admin token is configured";

    // Only a success or "no result": a failure would be logged by the base class on every request that carries a
    // credential (at Information, unthrottled); the challenge works out and logs the reason instead.
    /// <inheritdoc />
    protected override Task<AuthenticateResult> HandleAuthenticateAsync() =>
        Task.FromResult(tokens.Enabled && PresentedToken() is { } token && tokens.Matches(token)
            ? AuthenticateResult.Success(new AuthenticationTicket(
                new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "admin"), new Claim(ClaimTypes.Role, "admin")], Scheme.Name)), Scheme.Name))
            : AuthenticateResult.NoResult());

    /// <inheritdoc />
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var presented = PresentedToken() is not null;
        var reason = !tokens.Enabled ? Disabled : presented ? WrongToken : NoCredential;
        if (throttle.ShouldLog("admin " + reason, out var suppressed))
        {
            LogRefused(Logger, Request.Method, Request.Path, Context.Connection.RemoteIpAddress?.ToString() ?? "unknown", reason, suppressed, throttle.Interval.TotalSeconds);
        }

        if (!tokens.Enabled)
        {
            await WriteProblemAsync(StatusCodes.Status403Forbidden, AdminAuthentication.DisabledCode,
                $"Admin endpoints are disabled on this process: no admin token is configured. Set {AdminOptions.EnvironmentVariable} " +
                $"(one token, or several separated by commas) or {AdminOptions.SectionName}:Tokens / {AdminOptions.SectionName}:TokenFile, " +
                $"each token at least {AdminOptions.MinimumTokenLength} characters, and restart.");
            return;
        }

        Response.Headers.Append(HeaderNames.WWWAuthenticate, "Bearer");
        await WriteProblemAsync(StatusCodes.Status401Unauthorized, AdminAuthentication.UnauthorizedCode,
            presented
                ? "The bearer token is not an admin token of this process: send `Authorization: Bearer <token>` with a configured admin token."
                : "This endpoint changes the cluster and needs an admin token: send `Authorization: Bearer <token>`.");
    }

    /// <inheritdoc />
    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        WriteProblemAsync(StatusCodes.Status403Forbidden, "forbidden", "The credential is valid but does not allow this endpoint.");

    private string? PresentedToken()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var token = header[BearerPrefix.Length..].Trim();
        return token.Length == 0 ? null : token;
    }

    private Task WriteProblemAsync(int status, string code, string detail) =>
        TypedResults.Problem(detail, statusCode: status, title: code, extensions: new Dictionary<string, object?> { ["code"] = code }).ExecuteAsync(Context);

    [LoggerMessage(EventId = 4100, Level = LogLevel.Warning,
        Message = "Refused admin request {Method} {Path} from {RemoteAddress}: {Reason} ({Suppressed} more like it were not logged; at most one line per kind every {IntervalSeconds} s)")]
    private static partial void LogRefused(ILogger logger, string method, string path, string remoteAddress, string reason, long suppressed, double intervalSeconds);
}
