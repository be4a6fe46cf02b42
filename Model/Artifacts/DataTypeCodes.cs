namespace FitCluster.Model.Artifacts;

/// <summary>Element type codes of binary artifact files; the same numbers as ONNX's TensorProto.DataType.</summary>
public static class DataTypeCodes
{
    /// <summary>IEEE 754 binary32.</summary>
    public const int Binary32 = 1;

    /// <summary>IEEE 754 binary16.</summary>
    public const int Binary16 = 10;

    /// <summary>The manifest name of a code: <c>float32</c> or <c>float16</c>.</summary>
    public static string Name(int code) => code switch
    {
        Binary32 => "float32",
        Binary16 => "float16",
        _ => throw new ArgumentOutOfRangeException(nameof(code), code, "Unknown data type code."),
    };
}
