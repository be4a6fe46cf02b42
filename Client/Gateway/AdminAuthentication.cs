using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace FitCluster.Client.Gateway;

/// <summary>
/// Admin authentication of the HTTP API: every state-changing endpoint calls <see cref="RequireAdmin{TBuilder}"/>, which
/// asks for <c>Authorization: Bearer TOKEN</c> with one of the configured <see cref="AdminTokens"/>.
/// </summary>
public static class AdminAuthentication
{
    /// <summary>The authentication scheme (a static bearer token).</summary>
    public const string SchemeName = "AdminBearer";

    /// <summary>The authorization policy of the admin endpoints.</summary>
    public const string PolicyName = "admin";

    /// <summary>The OpenAPI security scheme's name.</summary>
    public const string OpenApiSchemeName = "bearer";

    /// <summary>Problem <c>code</c> of a missing or wrong credential (401).</summary>
    public const string UnauthorizedCode = "unauthorized";

    /// <summary>Problem <c>code</c> when this process has no admin token configured (403).</summary>
    public const string DisabledCode = "admin_disabled";

    /// <summary>Requires an admin token for the endpoint(s): 401 without a valid one, 403 when admin is disabled.</summary>
    public static TBuilder RequireAdmin<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(PolicyName);

    /// <summary>Adds the admin options (validated at start), the token set, the bearer scheme and the <see cref="PolicyName"/> policy.</summary>
    public static WebApplicationBuilder AddAdminAuthentication(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<AdminOptions>().BindConfiguration(AdminOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<AdminOptions>, AdminOptionsValidator>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<LogThrottle>();
        builder.Services.AddSingleton<AdminTokens>();
        builder.Services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, AdminBearerHandler>(SchemeName, null);
        builder.Services.AddAuthorizationBuilder().AddPolicy(PolicyName, policy => policy.AddAuthenticationSchemes(SchemeName).RequireAuthenticatedUser());
        // The base handler logs every challenge at Information; the handler logs refusals itself, rate-limited.
        builder.Logging.AddFilter(typeof(AdminBearerHandler).FullName, LogLevel.Warning);
        return builder;
    }

    /// <summary>Whether the endpoint requires an admin token.</summary>
    public static bool RequiresAdmin(IEnumerable<object> endpointMetadata) =>
        endpointMetadata.OfType<IAuthorizeData>().Any(a => a.Policy == PolicyName);
}
