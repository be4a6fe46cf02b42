using FitCluster.Model.Artifacts;

namespace FitCluster.Model.Towers;

/// <summary>
/// A model version's item features with their vocabularies indexed: feature name → input index, raw value → vocabulary
/// index (row 0, padding / unknown, is what an unseen value gets, as at export).
/// </summary>
/// <remarks>Immutable; thread-safe.</remarks>
public sealed class ItemVocabularies
{
    private readonly Dictionary<string, int>[] _labels;
    private readonly Dictionary<string, int> _fieldByName = new(StringComparer.Ordinal);

    /// <summary>Indexes <paramref name="fields"/> (the manifest's <c>item_fields</c>).</summary>
    public ItemVocabularies(IReadOnlyList<FeatureVocabulary> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        Fields = fields;
        _labels = new Dictionary<string, int>[fields.Count];
        for (var f = 0; f < fields.Count; f++)
        {
            _fieldByName[fields[f].Name] = f;
            _labels[f] = new Dictionary<string, int>(fields[f].Labels.Count, StringComparer.Ordinal);
            for (var i = 1; i < fields[f].Labels.Count; i++)
            {
                _labels[f].TryAdd(fields[f].Labels[i], i);
            }
        }
    }

    /// <summary>The item features, in the item tower's input order.</summary>
    public IReadOnlyList<FeatureVocabulary> Fields { get; }

    /// <summary>The input index of the item feature <paramref name="name"/>, or −1 when the model has no such feature.</summary>
    public int FieldOf(string name) => _fieldByName.TryGetValue(name, out var f) ? f : -1;

    /// <summary>The vocabulary index of <paramref name="value"/> for field <paramref name="field"/>; 0 when unseen.</summary>
    public int IndexOf(int field, string value) => _labels[field].TryGetValue(value, out var index) ? index : 0;
}
