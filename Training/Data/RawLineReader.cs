using System.Diagnostics;
using ICSharpCode.SharpZipLib;
using ICSharpCode.SharpZipLib.GZip;

namespace FitCluster.Training.Data;

/// <summary>
/// Streams the lines of a plain or gzip-compressed text file as UTF-8 bytes, with bounded memory (one buffer that
/// grows only to the longest line) and a progress line every few seconds.
/// </summary>
/// <remarks>
/// <para>Compression is detected from the gzip magic bytes, not the file name; SharpZipLib decompresses it and checks each
/// member's CRC-32 and length, so a truncated or corrupted file is an error (.NET's <c>GZipStream</c> ends a truncated
/// stream early without one, and the load would go on with part of the file). Lines end in LF or CRLF; trailing CR is
/// removed and blank lines are skipped. A line returned by <see cref="TryReadLine"/> is valid until the next call.</para>
/// <para>An I/O or decompression failure is rethrown as <see cref="InvalidDataException"/> naming the file and line.
/// Not thread-safe.</para>
/// </remarks>
internal sealed class RawLineReader : IDisposable
{
    private const int InitialBufferSize = 1 << 16;
    private static readonly long s_progressInterval = Stopwatch.Frequency * 5;

    private readonly FileStream _file;
    private readonly Stream _stream;
    private readonly IProgress<string>? _progress;
    private readonly long _startTimestamp = Stopwatch.GetTimestamp();
    private byte[] _buffer = new byte[InitialBufferSize];
    private int _start;
    private int _end;
    private bool _endOfStream;
    private long _lastReport = Stopwatch.GetTimestamp();

    private RawLineReader(string path, IProgress<string>? progress)
    {
        Path = path;
        _progress = progress;
        _file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 20);
        Span<byte> magic = stackalloc byte[2];
        var isGzip = _file.Read(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
        _file.Position = 0;
        _stream = isGzip ? new GZipInputStream(_file) { IsStreamOwner = false } : _file;
    }

    /// <summary>The file being read.</summary>
    public string Path { get; }

    /// <summary>1-based number of the line last returned (blank lines count).</summary>
    public long LineNumber { get; private set; }

    /// <summary>Opens <paramref name="path"/>; the caller disposes the reader.</summary>
    /// <param name="path">A plain or gzip-compressed text file.</param>
    /// <param name="progress">Receives "name: N lines, P%" every five seconds while reading; null for none.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static RawLineReader Open(string path, IProgress<string>? progress) =>
        File.Exists(path) ? new RawLineReader(path, progress) : throw new FileNotFoundException($"Dataset file not found: {path}", path);

    /// <summary>The next non-blank line without its line ending; false at the end of the file.</summary>
    public bool TryReadLine(out ReadOnlySpan<byte> line)
    {
        while (true)
        {
            var newline = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            int lineEnd;
            if (newline >= 0)
            {
                lineEnd = _start + newline;
            }
            else if (!_endOfStream)
            {
                Fill();
                continue;
            }
            else if (_start < _end)
            {
                lineEnd = _end;
            }
            else
            {
                line = default;
                return false;
            }

            var raw = _buffer.AsSpan(_start, lineEnd - _start);
            _start = Math.Min(lineEnd + 1, _end);
            LineNumber++;
            if ((LineNumber & 0xFFFF) == 0)
            {
                MaybeReportProgress();
            }

            line = raw.TrimEnd("\r"u8);
            if (!line.Trim(" \t"u8).IsEmpty)
            {
                return true;
            }
        }
    }

    /// <summary>Seconds since the reader was opened.</summary>
    public double ElapsedSeconds => Stopwatch.GetElapsedTime(_startTimestamp).TotalSeconds;

    /// <inheritdoc/>
    public void Dispose()
    {
        _stream.Dispose();
        _file.Dispose();
    }

    private void Fill()
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2); // a line longer than the buffer
        }

        int read;
        try
        {
            read = _stream.Read(_buffer, _end, _buffer.Length - _end);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or SharpZipBaseException)
        {
            throw new InvalidDataException($"{Path}: unreadable after line {LineNumber}, truncated or damaged ({e.Message}).", e);
        }

        _end += read;
        _endOfStream = read == 0;
    }

    private void MaybeReportProgress()
    {
        var now = Stopwatch.GetTimestamp();
        if (_progress is null || now - _lastReport < s_progressInterval)
        {
            return;
        }

        _lastReport = now;
        var percent = _file.Length == 0 ? 100 : 100.0 * _file.Position / _file.Length;
        _progress.Report($"{System.IO.Path.GetFileName(Path)}: {LineNumber:N0} lines, {percent:F0}% read, {ElapsedSeconds:F0} s");
    }
}
