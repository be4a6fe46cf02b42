using System.Text.Json;

namespace FitCluster.Client.Api;

/// <summary>
/// Body of <c>PUT /v1/items</c>: <c>{"items": [{"id": "m42", "features": {"genres": ["Drama", "War"], "year": 1995}}]}</c>.
/// Read loosely, so that one malformed item is refused alone.
/// </summary>
public sealed class ItemsBody
{
    /// <summary>The items, each <c>{"id": "...", "features": {"NAME": VALUE, ...}}</c>; a value is a string, a finite number, or an array of them (a multi-valued feature).</summary>
    public List<JsonElement>? Items { get; set; }
}

/// <summary>One item of a <c>PUT /v1/items</c> batch, for typed clients.</summary>
/// <param name="Id">The raw item id (1..1,024 UTF-8 bytes).</param>
/// <param name="Features">Raw features by name: a string, a number, or an array of them.</param>
public sealed record ItemBody(string Id, IReadOnlyDictionary<string, object> Features);

/// <summary>
/// The answer to <c>PUT /v1/items</c> and <c>DELETE /v1/items/{id}</c>: the body of a 200, and the extension members of the
/// 400/503 problem when items were refused.
/// </summary>
/// <param name="Applied">Items stored (and rankable) by this request.</param>
/// <param name="Rejected">Refused items, by field (<c>items[3]</c>, <c>items[3].features.genres</c>); nothing of them was stored.</param>
/// <param name="Notices">Stored, but worth knowing: <c>unseen_value</c>, <c>missing_feature</c>.</param>
public sealed record ItemWriteResponseBody(int Applied, IReadOnlyList<UserRejectionBody> Rejected, IReadOnlyList<UserRejectionBody> Notices);

/// <summary>The answer to <c>GET /v1/items/{id}</c>: the last write of an item since export.</summary>
/// <param name="Id">The item id.</param>
/// <param name="Features">Its raw features as written (empty for a delete).</param>
/// <param name="Deleted">Whether the last write deleted it.</param>
/// <param name="Sequence">The write's sequence number in its partition.</param>
public sealed record ItemResponseBody(string Id, IReadOnlyDictionary<string, IReadOnlyList<string>> Features, bool Deleted, long Sequence);
