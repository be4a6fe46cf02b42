using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace FitCluster.Client.Gateway;

/// <summary>
/// Declares the admin bearer scheme in the OpenAPI document's <c>securitySchemes</c> and a security requirement on
/// exactly the operations that <see cref="AdminAuthentication.RequireAdmin{TBuilder}"/> protects.
/// </summary>
public sealed class AdminOpenApiTransformer : IOpenApiDocumentTransformer, IOpenApiOperationTransformer
{
    /// <inheritdoc />
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>(StringComparer.Ordinal);
        document.Components.SecuritySchemes[AdminAuthentication.OpenApiSchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = $"An admin token (set on the server with {AdminOptions.EnvironmentVariable}, {AdminOptions.SectionName}:Tokens or " +
                $"{AdminOptions.SectionName}:TokenFile), sent as `Authorization: Bearer <token>`. Only state-changing endpoints need it.",
        };
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentNullException.ThrowIfNull(context);
        if (AdminAuthentication.RequiresAdmin(context.Description.ActionDescriptor.EndpointMetadata))
        {
            operation.Security ??= [];
            operation.Security.Add(new OpenApiSecurityRequirement
            {
                [new OpenApiSecuritySchemeReference(AdminAuthentication.OpenApiSchemeName, context.Document)] = [],
            });
        }

        return Task.CompletedTask;
    }
}
