using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.Json;
using FitCluster.Client.Api;
using FitCluster.Grains.Interfaces;

namespace FitCluster.Client.Gateway;

/// <summary>
/// Reads a <c>PUT /v1/items</c> body into the catalog writer's input. What the door alone can tell is found here: a
/// missing, empty or oversize batch (refused whole), an item that is not an object, an id that is missing, empty, longer
/// than 1,024 UTF-8 bytes or not valid Unicode, a feature value that is not a string, a finite number or a non-empty
/// array of them, and ids repeated in the batch (every occurrence refused). Feature names and value counts are checked
/// against the model by <see cref="IItemCatalogGrain"/>.
/// </summary>
public static class ItemRequestValidator
{
    /// <summary>The items to write (with their batch index) and the refused ones by field; or <c>BodyProblem</c> (nothing applied).</summary>
    public static (ImmutableArray<ItemWrite> Items, List<UserRejectionBody> Rejected, string? BodyProblem) Items(ItemsBody? body)
    {
        var rejected = new List<UserRejectionBody>();
        if (body?.Items is not { Count: > 0 } given)
        {
            return ([], rejected, "A JSON body {\"items\": [{\"id\": \"...\", \"features\": {\"NAME\": VALUE, ...}}, ...]} with at least one item is required.");
        }

        if (given.Count > IItemCatalogGrain.MaxBatch)
        {
            return ([], rejected, string.Create(CultureInfo.InvariantCulture,
                $"{given.Count:N0} items exceed the limit of {IItemCatalogGrain.MaxBatch:N0} per batch; nothing was applied."));
        }

        var read = new List<ItemWrite>(given.Count);
        for (var i = 0; i < given.Count; i++)
        {
            var (item, problem) = Item(i, given[i]);
            if (problem is not null)
            {
                rejected.Add(problem);
            }
            else
            {
                read.Add(item!);
            }
        }

        var repeated = read.GroupBy(item => item.Id, StringComparer.Ordinal).Where(g => g.Count() > 1).SelectMany(g => g).ToHashSet();
        foreach (var item in repeated)
        {
            rejected.Add(new UserRejectionBody(Field(item.Index), "duplicate_id", $"Item id '{item.Id}' appears more than once in the batch; none of its occurrences was applied."));
        }

        return ([.. read.Where(item => !repeated.Contains(item))], rejected, null);
    }

    /// <summary>What is wrong with an item id, or null: 1..1,024 UTF-8 bytes.</summary>
    public static string? IdProblem(string? id) =>
        string.IsNullOrEmpty(id) || Encoding.UTF8.GetByteCount(id) > IItemCatalogGrain.MaxIdBytes
            ? string.Create(CultureInfo.InvariantCulture, $"An item id must be 1..{IItemCatalogGrain.MaxIdBytes:N0} bytes of UTF-8 text.")
            : null;

    private static (ItemWrite? Item, UserRejectionBody? Problem) Item(int index, JsonElement value)
    {
        var field = Field(index);
        if (value.ValueKind != JsonValueKind.Object)
        {
            return (null, new UserRejectionBody(field, "invalid_item", $"An item must be an object {{\"id\", \"features\"}}, got {Kind(value)}."));
        }

        if (!value.TryGetProperty("id", out var idValue) || idValue.ValueKind != JsonValueKind.String)
        {
            return (null, new UserRejectionBody($"{field}.id", "invalid_item", "id is required: a string."));
        }

        if (RankRequestValidator.FeatureValue(idValue, out var id) is { } idText)
        {
            return (null, new UserRejectionBody($"{field}.id", "invalid_item", $"id {idText}"));
        }

        if (IdProblem(id) is { } idProblem)
        {
            return (null, new UserRejectionBody($"{field}.id", "invalid_item", idProblem));
        }

        var features = ImmutableArray.CreateBuilder<ItemFeatureValues>();
        if (value.TryGetProperty("features", out var given) && given.ValueKind != JsonValueKind.Null)
        {
            if (given.ValueKind != JsonValueKind.Object)
            {
                return (null, new UserRejectionBody($"{field}.features", "invalid_feature", $"Item '{id}': features must be an object {{\"NAME\": VALUE, ...}}, got {Kind(given)}."));
            }

            foreach (var property in given.EnumerateObject())
            {
                var (values, problem) = Values(property.Value);
                if (problem is not null || property.Name.Length == 0)
                {
                    return (null, new UserRejectionBody($"{field}.features.{property.Name}", "invalid_feature",
                        $"Item '{id}': feature '{property.Name}' {problem ?? "needs a name"}"));
                }

                features.Add(new ItemFeatureValues(property.Name, values));
            }
        }

        return (new ItemWrite(index, id!, features.ToImmutable()), null);
    }

    /// <summary>Longest feature value kept, in UTF-16 code units (a vocabulary label is far shorter; the log keeps what is written).</summary>
    public const int MaxValueLength = 1_024;

    // A string or finite number (one value), or a non-empty array of them (a multi-valued feature), each at most MaxValueLength long.
    private static (ImmutableArray<string> Values, string? Problem) Values(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            return One(value, out var text) is { } problem ? ([], problem) : ([text!], null);
        }

        var values = ImmutableArray.CreateBuilder<string>();
        foreach (var element in value.EnumerateArray())
        {
            if (One(element, out var text) is { } problem)
            {
                return ([], $"values: each {problem}");
            }

            values.Add(text!);
        }

        return values.Count == 0 ? ([], "must not be an empty array (leave the feature out instead).") : (values.ToImmutable(), null);
    }

    private static string? One(JsonElement value, out string? text) =>
        RankRequestValidator.FeatureValue(value, out text) ?? (text!.Length > MaxValueLength
            ? string.Create(CultureInfo.InvariantCulture, $"must be at most {MaxValueLength:N0} characters, got {text.Length:N0}.")
            : null);

    private static string Field(int index) => string.Create(CultureInfo.InvariantCulture, $"items[{index}]");

    private static string Kind(JsonElement value) => value.ValueKind.ToString().ToLowerInvariant();
}
