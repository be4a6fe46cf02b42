using System.Globalization;
using System.Runtime.InteropServices;

namespace FitCluster.LoadTest;

/// <summary>Names the machine the generator runs on, for the report: CPU model and logical core count.</summary>
public static class Hardware
{
    /// <summary>E.g. <c>AMD EPYC, 2 cores</c>; the architecture where /proc/cpuinfo has no model name.</summary>
    public static string Describe()
    {
        var model = CpuModel(ReadCpuInfo()) ?? RuntimeInformation.ProcessArchitecture.ToString();
        return string.Create(CultureInfo.InvariantCulture, $"{model}, {Environment.ProcessorCount} cores");
    }

    /// <summary>
    /// The folder name results of this machine go under (<c>bench/results/&lt;slug&gt;/</c>), as <c>./fit bench</c> names it:
    /// <c>2core-amd-epyc</c> — the logical core count, then the CPU model lowercased with every other run of characters a dash.
    /// </summary>
    public static string Slug() => Slug(CpuModel(ReadCpuInfo()), Environment.ProcessorCount);

    /// <summary><see cref="Slug()"/> of a given CPU model (null: <c>cpu</c>) and core count.</summary>
    public static string Slug(string? cpuModel, int cores)
    {
        var name = new System.Text.StringBuilder();
        foreach (var c in (cpuModel ?? string.Empty).ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                name.Append(c);
            }
            else if (name.Length > 0 && name[^1] != '-')
            {
                name.Append('-');
            }
        }

        var model = name.ToString().TrimEnd('-');
        return string.Create(CultureInfo.InvariantCulture, $"{cores}core-{(model.Length > 0 ? model : "cpu")}");
    }

    /// <summary>The first <c>model name</c> in /proc/cpuinfo text, whitespace collapsed; null when absent.</summary>
    public static string? CpuModel(string? cpuInfo)
    {
        if (cpuInfo is null)
        {
            return null;
        }

        foreach (var line in cpuInfo.Split('\n'))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line[..colon].Trim() == "model name")
            {
                var value = string.Join(' ', line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries));
                return value.Length > 0 ? value : null;
            }
        }

        return null;
    }

    private static string? ReadCpuInfo()
    {
        try
        {
            return File.ReadAllText("/proc/cpuinfo");
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
