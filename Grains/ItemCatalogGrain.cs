using System.Collections.Immutable;
using System.Globalization;
using FitCluster.Grains.Interfaces;
using FitCluster.Model.Towers;
using Orleans.Concurrency;

namespace FitCluster.Grains;

/// <summary>
/// Checks item writes against the active model version's item features (names, how many values) and stores the good
/// items in their partitions (<see cref="ItemPartitionGrain"/>), all partitions at once; answers once each partition
/// stored its part and pushed it to the shards being served.
/// </summary>
/// <remarks>
/// Per item: a refused item is named with its index and reason and nothing of it is stored; the others are. An item whose
/// partition could not store it is refused with <c>not_stored</c> (resending is safe: an upsert is a replacement).
/// </remarks>
[StatelessWorker]
public sealed class ItemCatalogGrain(ModelStore store, ActiveVersionCache active) : Grain, IItemCatalogGrain
{
    /// <summary>The code of an item its partition could not store (the storage failed or timed out).</summary>
    public const string NotStored = "not_stored";

    /// <summary>The code when no model version is active, so item features cannot be checked.</summary>
    public const string NoActiveModel = "no_active_model";

    /// <inheritdoc />
    public async ValueTask<ItemWriteResult> UpsertAsync(ImmutableArray<ItemWrite> items, CancellationToken cancellationToken = default)
    {
        if (items.IsDefaultOrEmpty)
        {
            return new ItemWriteResult(0, [], []);
        }

        if (await FieldsAsync(cancellationToken) is not { } fields)
        {
            return new ItemWriteResult(0, [new UserInputError("items", NoActiveModel, "No model version is active: item features cannot be checked.")], []);
        }

        var errors = ImmutableArray.CreateBuilder<UserInputError>();
        var notices = ImmutableArray.CreateBuilder<UserInputError>();
        var byPartition = new Dictionary<int, (List<CatalogItem> Items, List<int> Indices)>();
        foreach (var item in items)
        {
            if (Check(item, fields, notices) is { } error)
            {
                errors.Add(error);
                continue;
            }

            var partition = ItemPartitionGrain.PartitionOf(item.Id);
            if (!byPartition.TryGetValue(partition, out var part))
            {
                byPartition[partition] = part = ([], []);
            }

            part.Items.Add(new CatalogItem(item.Id, item.Features, 0, Deleted: false));
            part.Indices.Add(item.Index);
        }

        var applied = 0;
        var writes = byPartition.Select(p => (p.Value, Write: GrainFactory.GetGrain<IItemPartitionGrain>(p.Key).WriteAsync([.. p.Value.Items], cancellationToken))).ToList();
        foreach (var (part, write) in writes)
        {
            try
            {
                await write;
                applied += part.Items.Count;
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                foreach (var index in part.Indices)
                {
                    errors.Add(new UserInputError(Field(index), NotStored, $"The item was not stored ({e.GetType().Name}: {e.Message}); sending it again is safe."));
                }
            }
        }

        return new ItemWriteResult(applied, [.. errors.OrderBy(e => e.Field, StringComparer.Ordinal)], notices.ToImmutable());
    }

    /// <inheritdoc />
    public async ValueTask<ItemWriteResult> DeleteAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        var partition = GrainFactory.GetGrain<IItemPartitionGrain>(ItemPartitionGrain.PartitionOf(id));
        var written = await partition.GetAsync(id);
        if (written is { Deleted: true })
        {
            return new ItemWriteResult(0, [], []); // deleted already: nothing to do (a retried delete)
        }

        if (written is null && !await InActiveArtifactAsync(id, cancellationToken))
        {
            return new ItemWriteResult(0, [new UserInputError("id", "unknown_item", $"No item '{id}' was written, and the active model version's catalog does not hold it.")], []);
        }

        try
        {
            await partition.WriteAsync([new CatalogItem(id, [], 0, Deleted: true)], cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new ItemWriteResult(0, [new UserInputError("id", NotStored, $"The delete was not stored ({e.Message}); sending it again is safe.")], []);
        }

        return new ItemWriteResult(1, [], []);
    }

    /// <inheritdoc />
    public async ValueTask<CatalogItem?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        return await GrainFactory.GetGrain<IItemPartitionGrain>(ItemPartitionGrain.PartitionOf(id)).GetAsync(id);
    }

    /// <summary>
    /// What is wrong with <paramref name="item"/> for a model whose item features are <paramref name="vocabularies"/>, or null;
    /// notices for values the vocabulary lacks and features not given go to <paramref name="notices"/>.
    /// </summary>
    public static UserInputError? Check(ItemWrite item, ItemVocabularies vocabularies, ImmutableArray<UserInputError>.Builder notices)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(vocabularies);
        ArgumentNullException.ThrowIfNull(notices);
        var fields = vocabularies.Fields;
        var field = Field(item.Index);
        var given = new HashSet<string>(StringComparer.Ordinal);
        foreach (var feature in item.Features)
        {
            var f = vocabularies.FieldOf(feature.Name);
            if (f < 0)
            {
                return new UserInputError($"{field}.features.{feature.Name}", "unknown_feature",
                    $"Item '{item.Id}': the active model version has no item feature '{feature.Name}'; it has: {string.Join(", ", fields.Select(f => f.Name))}.");
            }

            if (!given.Add(feature.Name))
            {
                return new UserInputError($"{field}.features.{feature.Name}", "invalid_feature", $"Item '{item.Id}': feature '{feature.Name}' is given twice.");
            }

            var vocabulary = fields[f];
            if (feature.Values.Length > vocabulary.Width)
            {
                return new UserInputError($"{field}.features.{feature.Name}", "too_many_values", string.Create(CultureInfo.InvariantCulture,
                    $"Item '{item.Id}': {feature.Values.Length} values for '{feature.Name}', which takes at most {vocabulary.Width}."));
            }

            var unseen = feature.Values.Where(v => vocabularies.IndexOf(f, v) == 0).ToList();
            if (unseen.Count > 0)
            {
                notices.Add(new UserInputError($"{field}.features.{feature.Name}", "unseen_value",
                    $"Item '{item.Id}': {string.Join(", ", unseen.Select(v => $"'{v}'"))} not in the vocabulary of '{feature.Name}': embedded as unknown, as at export."));
            }
        }

        foreach (var missing in fields.Where(f => !given.Contains(f.Name)))
        {
            notices.Add(new UserInputError($"{field}.features.{missing.Name}", "missing_feature", $"Item '{item.Id}': no value for '{missing.Name}': embedded as unknown."));
        }

        return null;
    }

    private static string Field(int index) => string.Create(CultureInfo.InvariantCulture, $"items[{index}]");

    private async Task<ItemVocabularies?> FieldsAsync(CancellationToken cancellationToken)
    {
        var version = await active.GetAsync(cancellationToken);
        return version is null ? null : store.Get(version).Runtime.ItemVocabularies;
    }

    // Whether the active version's catalog holds the id: its shard resolves it to an item index.
    private async Task<bool> InActiveArtifactAsync(string id, CancellationToken cancellationToken)
    {
        var version = await active.GetAsync(cancellationToken);
        if (version is null)
        {
            return false;
        }

        var plan = store.Get(version).Plan;
        var resolved = await GrainFactory.GetGrain<IItemShardGrain>(plan.ShardOf(id), version, null).ResolveAsync([id], cancellationToken);
        return resolved is [>= 1];
    }
}
