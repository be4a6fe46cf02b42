using System.Text.Json;

namespace FitCluster.Client.Api;

/// <summary>Body of <c>PUT /v1/users/{id}</c>: <c>{"features": {"gender": "F", "age": 25}}</c>.</summary>
public sealed class UserProfileBody
{
    /// <summary>
    /// The user's profile features by name, each a string or a finite number (as in a rank request's <c>user</c>); they
    /// replace the stored ones. Every name must be a user feature of some servable model version.
    /// </summary>
    public Dictionary<string, JsonElement>? Features { get; set; }
}
