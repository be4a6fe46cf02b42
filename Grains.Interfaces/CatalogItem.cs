using System.Collections.Immutable;

namespace FitCluster.Grains.Interfaces;

/// <summary>One raw feature of an item as written: its name and values (one, or several for a multi-valued feature).</summary>
/// <param name="Name">The feature's name (an item feature of the model versions, e.g. <c>genres</c>).</param>
/// <param name="Values">Raw values as the API took them: strings, numbers as their JSON text.</param>
[GenerateSerializer, Immutable, Alias("fit.ItemFeatureValues")]
public sealed record ItemFeatureValues(string Name, ImmutableArray<string> Values);

/// <summary>
/// An item written after export, as the catalog stores it: raw features, never heads — each model version embeds the item
/// with its own item tower (the catalog of items is not the model).
/// </summary>
/// <param name="Id">The raw item id.</param>
/// <param name="Features">Its raw features (empty for a delete).</param>
/// <param name="Sequence">The write's sequence number in the item's partition (≥ 1; newer is larger).</param>
/// <param name="Deleted">A delete: the id is unknown from this write on, whether or not an artifact holds it.</param>
[GenerateSerializer, Immutable, Alias("fit.CatalogItem")]
public sealed record CatalogItem(string Id, ImmutableArray<ItemFeatureValues> Features, long Sequence, bool Deleted);

/// <summary>A batch's item for the catalog writer: its position in the batch as sent (for the answer), id and features.</summary>
[GenerateSerializer, Immutable, Alias("fit.ItemWrite")]
public sealed record ItemWrite(int Index, string Id, ImmutableArray<ItemFeatureValues> Features);

/// <summary>The answer to an item write.</summary>
/// <param name="Applied">Items stored (and rankable) by this call.</param>
/// <param name="Errors">The refused items (field <c>items[INDEX]…</c>, or <c>id</c> for a delete); nothing of them was stored.</param>
/// <param name="Notices">What was stored but is worth knowing: <c>unseen_value</c> (a value the active version's vocabulary
/// lacks: embedded as unknown, as at export) and <c>missing_feature</c> (no value given).</param>
[GenerateSerializer, Immutable, Alias("fit.ItemWriteResult")]
public sealed record ItemWriteResult(int Applied, ImmutableArray<UserInputError> Errors, ImmutableArray<UserInputError> Notices);

/// <summary>A shard activation of one model version that receives its partition's item writes.</summary>
/// <param name="ModelVersion">The version.</param>
/// <param name="Shard">The shard index s.</param>
/// <param name="ShardCount">S of the version's plan.</param>
/// <param name="BucketCount">B of the version's item table: an item belongs to shard (FNV-1a(id) mod B) mod S.</param>
[GenerateSerializer, Immutable, Alias("fit.ItemSubscriber")]
public sealed record ItemSubscriber(string ModelVersion, int Shard, int ShardCount, int BucketCount);

/// <summary>A partition's changes after a sequence number, for one subscriber.</summary>
/// <param name="Items">The subscriber's items changed after the sequence it gave (upserts and deletes).</param>
/// <param name="Sequence">The partition's latest sequence number: the next catch-up starts there.</param>
[GenerateSerializer, Immutable, Alias("fit.ItemChanges")]
public sealed record ItemChanges(ImmutableArray<CatalogItem> Items, long Sequence);
