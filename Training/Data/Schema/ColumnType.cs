namespace FitCluster.Training.Data.Schema;

/// <summary>What a DuckDB column type can hold, as far as the schema's uses go.</summary>
internal enum ColumnType
{
    /// <summary>TINYINT … UBIGINT, HUGEINT.</summary>
    Integer,

    /// <summary>FLOAT, DOUBLE, DECIMAL.</summary>
    Decimal,

    /// <summary>DATE and TIMESTAMP of any precision or zone.</summary>
    Temporal,

    /// <summary>BOOLEAN.</summary>
    Boolean,

    /// <summary>VARCHAR, JSON, UUID: text whose meaning is parsed per row.</summary>
    Text,

    /// <summary>A list (<c>VARCHAR[]</c>).</summary>
    List,

    /// <summary>STRUCT, MAP, BLOB and anything else.</summary>
    Other,
}
