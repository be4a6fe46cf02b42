using System.IO.Compression;
using System.Text;

namespace FitCluster.Training.Tests.Data;

/// <summary>Collects progress lines synchronously (unlike <see cref="Progress{T}"/>, which posts them later), and writes test files.</summary>
internal sealed class ProgressLines : IProgress<string>
{
    public List<string> Lines { get; } = [];

    public void Report(string value) => Lines.Add(value);

    public bool Any(string fragment) => Lines.Exists(l => l.Contains(fragment, StringComparison.Ordinal));

    public static void WriteText(string path, string text, bool gzip = false)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        if (!gzip)
        {
            File.WriteAllBytes(path, bytes);
            return;
        }

        using var file = File.Create(path);
        using var compressed = new GZipStream(file, CompressionLevel.Fastest);
        compressed.Write(bytes);
    }
}
