using System.Globalization;
using System.Text;

namespace FitCluster.Training.Data;

/// <summary>
/// Reads the GroupLens MovieLens-1M files (<c>ratings.dat</c>, <c>users.dat</c>, <c>movies.dat</c>) into an
/// <see cref="InteractionLog"/>: every rating (any star value) is a behaviour, each user's behaviours in stable
/// timestamp order.
/// </summary>
/// <remarks>
/// <para>Users are dense indices <c>0..UserCount-1</c> in ascending UserID order over <c>users.dat</c>; items are dense
/// indices <c>1..M</c> in ascending MovieID order over <c>movies.dat</c> (3,883 movies, so <c>ItemVocabSize</c> = 3,884
/// for the real files). No file is assumed to be sorted.</para>
/// <para>User fields: <c>user_id</c> (index + 1), <c>gender</c> (M/F → 1/2), <c>age</c> (the seven GroupLens age codes
/// → 1..7), <c>occupation</c> (0..20 → 1..21), <c>zip_prefix</c> (first three characters of the zip code, vocabulary in
/// ordinal order; an empty zip code → 0). Item fields: <c>genres</c> (multi-valued, vocabulary in ordinal order) and
/// <c>year</c> (release year from the title's trailing <c>(YYYY)</c>, vocabulary ascending; 0 = no year in the title).
/// Every ML-1M title has a year, and the 3,883 movies use 18 genres (at most 6 per movie) and 81 years.</para>
/// <para>Any malformed line throws <see cref="InvalidDataException"/> naming the file and the 1-based line number.
/// Blank lines are skipped; lines may end in LF or CRLF. Thread-safe: no shared state.</para>
/// </remarks>
public static class MovieLens1MLoader
{
    /// <summary>File name of the ratings: <c>UserID::MovieID::Rating::Timestamp</c>, ASCII.</summary>
    public const string RatingsFileName = "ratings.dat";

    /// <summary>File name of the users: <c>UserID::Gender::Age::Occupation::Zip-code</c>, ASCII.</summary>
    public const string UsersFileName = "users.dat";

    /// <summary>File name of the movies: <c>MovieID::Title::Genres</c>, Latin-1, genres separated by <c>|</c>.</summary>
    public const string MoviesFileName = "movies.dat";

    /// <summary>Dataset name given to the loaded log.</summary>
    public const string DatasetName = "ml-1m";

    private const int ZipPrefixLength = 3;
    private const int OccupationCount = 21;

    /// <summary>The GroupLens age codes ("Under 18", "18-24", ... "56+") in ascending order; code i maps to value i + 1.</summary>
    private static ReadOnlySpan<int> AgeCodes => [1, 18, 25, 35, 45, 50, 56];

    /// <summary>True when <paramref name="directory"/> holds the three MovieLens-1M files.</summary>
    /// <param name="directory">Directory to inspect; need not exist.</param>
    public static bool LooksLikeMovieLens1M(string directory) =>
        File.Exists(Path.Combine(directory, RatingsFileName))
        && File.Exists(Path.Combine(directory, UsersFileName))
        && File.Exists(Path.Combine(directory, MoviesFileName));

    /// <summary>Loads the MovieLens-1M files in <paramref name="directory"/>.</summary>
    /// <param name="directory">Directory holding <c>ratings.dat</c>, <c>users.dat</c> and <c>movies.dat</c>.</param>
    /// <param name="progress">Optional receiver of one human-readable line per file read.</param>
    /// <returns>The interaction log named <c>ml-1m</c>.</returns>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    /// <exception cref="InvalidDataException">A line is malformed, or a rating names an unknown user or movie.</exception>
    public static InteractionLog Load(string directory, IProgress<string>? progress = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);

        var users = ReadUsers(RequireFile(directory, UsersFileName));
        progress?.Report($"{UsersFileName}: {users.UserIds.Length} users, {users.ZipPrefixVocabSize - 1} zip prefixes");

        var movies = ReadMovies(RequireFile(directory, MoviesFileName));
        progress?.Report(
            $"{MoviesFileName}: {movies.MovieIds.Length} movies, {movies.Genres.VocabSize - 1} genres, {movies.Year.VocabSize - 1} release years");

        var ratings = ReadRatings(RequireFile(directory, RatingsFileName), users.UserIds, movies.MovieIds);
        progress?.Report($"{RatingsFileName}: {ratings.Items.Length} ratings");

        return new InteractionLog
        {
            Name = DatasetName,
            UserCount = users.UserIds.Length,
            UserFields = users.Fields,
            ItemVocabSize = movies.MovieIds.Length + 1,
            ItemFields = [movies.Genres, movies.Year],
            SequenceItemFields = [movies.Genres.Name],
            BehaviourOffsets = ratings.Offsets,
            BehaviourItems = ratings.Items,
            ActiveItems = InteractionLog.DistinctItems(ratings.Items, movies.MovieIds.Length + 1),
            ItemKeys = [string.Empty, .. Array.ConvertAll(movies.MovieIds, Text)],
        };
    }

    private static string RequireFile(string directory, string fileName)
    {
        var path = Path.Combine(directory, fileName);
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"MovieLens-1M file not found: {path}", path);
    }

    private static UsersTable ReadUsers(string path)
    {
        var data = File.ReadAllBytes(path);
        var capacity = data.AsSpan().Count((byte)'\n') + 1;
        var ids = new int[capacity];
        var lines = new int[capacity];
        var gender = new int[capacity];
        var age = new int[capacity];
        var occupation = new int[capacity];
        var zipPrefix = new string[capacity];
        var count = 0;
        Span<Range> fields = stackalloc Range[5];

        var reader = new LineCursor(data);
        while (reader.TryNext(out var line, out var lineNumber))
        {
            if (!TrySplitFields(line, fields))
            {
                throw Malformed(path, lineNumber, "expected 5 fields UserID::Gender::Age::Occupation::Zip-code", line);
            }

            ids[count] = ParseId(path, lineNumber, "UserID", line[fields[0]], line);
            gender[count] = line[fields[1]] switch
            {
                [(byte)'M'] => 1,
                [(byte)'F'] => 2,
                _ => throw Malformed(path, lineNumber, "Gender must be M or F", line),
            };

            var ageCode = ParseNumber(path, lineNumber, "Age", line[fields[2]], line);
            var ageValue = AgeCodes.IndexOf((int)Math.Min(ageCode, int.MaxValue)) + 1;
            age[count] = ageValue > 0
                ? ageValue
                : throw Malformed(path, lineNumber, "Age is not one of the GroupLens codes 1, 18, 25, 35, 45, 50, 56", line);

            var occupationCode = ParseNumber(path, lineNumber, "Occupation", line[fields[3]], line);
            occupation[count] = occupationCode < OccupationCount
                ? (int)occupationCode + 1
                : throw Malformed(path, lineNumber, $"Occupation must be 0..{OccupationCount - 1}", line);

            var zip = line[fields[4]];
            zipPrefix[count] = Encoding.Latin1.GetString(zip[..Math.Min(ZipPrefixLength, zip.Length)]);
            lines[count] = lineNumber;
            count++;
        }

        // Dense user index = rank of the UserID; the file order is not trusted.
        var order = SortedOrder(ids, count);
        var userIds = new int[count];
        for (var i = 0; i < count; i++)
        {
            userIds[i] = ids[order[i]];
            if (i > 0 && userIds[i] == userIds[i - 1])
            {
                throw new InvalidDataException(
                    $"{path}, line {lines[order[i]]}: duplicate UserID {userIds[i]} (also on line {lines[order[i - 1]]}).");
            }
        }

        var zipVocabulary = Vocabulary.Ordinal(zipPrefix.Take(count));
        var userIdValues = new int[count];
        var genderValues = new int[count];
        var ageValues = new int[count];
        var occupationValues = new int[count];
        var zipValues = new int[count];
        for (var i = 0; i < count; i++)
        {
            var row = order[i];
            userIdValues[i] = i + 1;
            genderValues[i] = gender[row];
            ageValues[i] = age[row];
            occupationValues[i] = occupation[row];
            zipValues[i] = zipPrefix[row].Length == 0 ? 0 : zipVocabulary[zipPrefix[row]];
        }

        var occupations = new string[OccupationCount];
        for (var i = 0; i < occupations.Length; i++)
        {
            occupations[i] = Text(i);
        }

        CategoricalField[] userFields =
        [
            new("user_id", count + 1, 1, userIdValues) { Labels = [string.Empty, .. Array.ConvertAll(userIds, Text)] },
            new("gender", 3, 1, genderValues) { Labels = [string.Empty, "M", "F"] },
            new("age", AgeCodes.Length + 1, 1, ageValues) { Labels = [string.Empty, .. Array.ConvertAll(AgeCodes.ToArray(), Text)] },
            new("occupation", OccupationCount + 1, 1, occupationValues) { Labels = [string.Empty, .. occupations] },
            new("zip_prefix", zipVocabulary.Count + 1, 1, zipValues) { Labels = Vocabulary.Labels(zipVocabulary) },
        ];
        return new UsersTable(userIds, userFields, zipVocabulary.Count + 1);
    }

    private static MoviesTable ReadMovies(string path)
    {
        // Latin-1 maps each byte to one char, so titles such as "Misérables" (byte 0xE9) decode exactly.
        var text = File.ReadAllText(path, Encoding.Latin1);
        var ids = new List<int>();
        var lines = new List<int>();
        var genreLists = new List<string[]>();
        var years = new List<int>();
        var lineNumber = 0;
        // Split on '\n' only: EnumerateLines would also break at U+0085, which is the Latin-1 byte 0x85.
        foreach (var lineRange in text.AsSpan().Split('\n'))
        {
            lineNumber++;
            var line = text.AsSpan()[lineRange].TrimEnd();
            if (line.IsEmpty)
            {
                continue;
            }

            // Split on the first and the last "::" so that a title could itself contain "::".
            var first = line.IndexOf("::", StringComparison.Ordinal);
            var last = line.LastIndexOf("::", StringComparison.Ordinal);
            if (first < 0 || last <= first)
            {
                throw new InvalidDataException(
                    $"{path}, line {lineNumber}: expected 3 fields MovieID::Title::Genres, found '{Preview(line)}'.");
            }

            var id = ParseMovieId(path, lineNumber, line[..first], line);
            var title = line[(first + 2)..last];
            var genres = line[(last + 2)..];

            var names = new List<string>();
            foreach (var range in genres.Split('|'))
            {
                var name = genres[range].Trim();
                if (!name.IsEmpty && !ContainsOrdinal(names, name))
                {
                    names.Add(name.ToString());
                }
            }

            ids.Add(id);
            lines.Add(lineNumber);
            genreLists.Add([.. names]);
            years.Add(ReleaseYear(title));
        }

        var count = ids.Count;
        var idArray = ids.ToArray();
        var order = SortedOrder(idArray, count);
        var movieIds = new int[count];
        for (var i = 0; i < count; i++)
        {
            movieIds[i] = idArray[order[i]];
            if (i > 0 && movieIds[i] == movieIds[i - 1])
            {
                throw new InvalidDataException(
                    $"{path}, line {lines[order[i]]}: duplicate MovieID {movieIds[i]} (also on line {lines[order[i - 1]]}).");
            }
        }

        var allGenres = new List<string>();
        var width = 1;
        foreach (var list in genreLists)
        {
            allGenres.AddRange(list);
            width = Math.Max(width, list.Length);
        }

        var genreVocabulary = Vocabulary.Ordinal(allGenres);
        var yearVocabulary = YearVocabulary(years);

        // Row 0 is the padding item: all zeros.
        var genreValues = new int[(count + 1) * width];
        var yearValues = new int[count + 1];
        for (var i = 0; i < count; i++)
        {
            var item = i + 1;
            var row = order[i];
            var list = genreLists[row];
            for (var g = 0; g < list.Length; g++)
            {
                genreValues[(item * width) + g] = genreVocabulary[list[g]];
            }

            yearValues[item] = years[row] == 0 ? 0 : yearVocabulary[years[row]];
        }

        return new MoviesTable(
            movieIds,
            new CategoricalField("genres", genreVocabulary.Count + 1, width, genreValues) { Labels = Vocabulary.Labels(genreVocabulary) },
            new CategoricalField("year", yearVocabulary.Count + 1, 1, yearValues) { Labels = Vocabulary.Labels(yearVocabulary) });
    }

    private static RatingsTable ReadRatings(string path, int[] userIds, int[] movieIds)
    {
        var userIndex = IndexOf(userIds);
        var itemIndex = IndexOf(movieIds);
        var data = File.ReadAllBytes(path);
        var capacity = data.AsSpan().Count((byte)'\n') + 1;
        var users = new int[capacity];
        var items = new int[capacity];
        var timestamps = new long[capacity];
        var count = 0;
        Span<Range> fields = stackalloc Range[4];

        var reader = new LineCursor(data);
        while (reader.TryNext(out var line, out var lineNumber))
        {
            if (!TrySplitFields(line, fields))
            {
                throw Malformed(path, lineNumber, "expected 4 fields UserID::MovieID::Rating::Timestamp", line);
            }

            var userId = ParseId(path, lineNumber, "UserID", line[fields[0]], line);
            var movieId = ParseId(path, lineNumber, "MovieID", line[fields[1]], line);
            _ = ParseNumber(path, lineNumber, "Rating", line[fields[2]], line); // every star value is a behaviour
            timestamps[count] = ParseNumber(path, lineNumber, "Timestamp", line[fields[3]], line);

            if (!userIndex.TryGetValue(userId, out users[count]))
            {
                throw Malformed(path, lineNumber, $"UserID {userId} is not in {UsersFileName}", line);
            }

            if (!itemIndex.TryGetValue(movieId, out var itemRow))
            {
                throw Malformed(path, lineNumber, $"MovieID {movieId} is not in {MoviesFileName}", line);
            }

            items[count] = itemRow + 1;
            count++;
        }

        var rows = ChronologicalOrder.GroupByUser(users.AsSpan(0, count), timestamps.AsSpan(0, count), userIds.Length, out var offsets);
        var behaviourItems = new int[rows.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            behaviourItems[i] = items[rows[i]];
        }

        return new RatingsTable(offsets, behaviourItems);
    }

    /// <summary>Splits <paramref name="line"/> on <c>::</c>; false unless it has exactly <c>fields.Length</c> fields.</summary>
    private static bool TrySplitFields(ReadOnlySpan<byte> line, Span<Range> fields)
    {
        var start = 0;
        for (var f = 0; f < fields.Length - 1; f++)
        {
            var separator = line[start..].IndexOf("::"u8);
            if (separator < 0)
            {
                return false;
            }

            fields[f] = new Range(start, start + separator);
            start += separator + 2;
        }

        fields[^1] = new Range(start, line.Length);
        return line[start..].IndexOf("::"u8) < 0;
    }

    private static int ParseId(string path, int lineNumber, string fieldName, ReadOnlySpan<byte> text, ReadOnlySpan<byte> line)
    {
        var value = ParseNumber(path, lineNumber, fieldName, text, line);
        return value is > 0 and <= int.MaxValue
            ? (int)value
            : throw Malformed(path, lineNumber, $"{fieldName} must be a positive 32-bit integer", line);
    }

    /// <summary>Parses a non-negative decimal made only of ASCII digits (no sign, no spaces).</summary>
    private static long ParseNumber(string path, int lineNumber, string fieldName, ReadOnlySpan<byte> text, ReadOnlySpan<byte> line)
    {
        if (text.IsEmpty || text.Length > 18)
        {
            throw Malformed(path, lineNumber, $"{fieldName} is not a number", line);
        }

        long value = 0;
        foreach (var b in text)
        {
            var digit = (uint)(b - '0');
            if (digit > 9)
            {
                throw Malformed(path, lineNumber, $"{fieldName} is not a number", line);
            }

            value = (value * 10) + digit;
        }

        return value;
    }

    private static int ParseMovieId(string path, int lineNumber, ReadOnlySpan<char> text, ReadOnlySpan<char> line)
    {
        var ok = int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id);
        return ok && id > 0
            ? id
            : throw new InvalidDataException(
                $"{path}, line {lineNumber}: MovieID must be a positive 32-bit integer, found '{Preview(line)}'.");
    }

    /// <summary>The year of a title ending in <c>(YYYY)</c>, or 0 when the title has none.</summary>
    private static int ReleaseYear(ReadOnlySpan<char> title)
    {
        title = title.TrimEnd();
        if (title.Length < 6 || title[^1] != ')' || title[^6] != '(')
        {
            return 0;
        }

        var digits = title[^5..^1];
        return digits.ContainsAnyExceptInRange('0', '9')
            ? 0
            : int.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
    }

    private static bool ContainsOrdinal(List<string> names, ReadOnlySpan<char> name)
    {
        foreach (var existing in names)
        {
            if (name.SequenceEqual(existing))
            {
                return true;
            }
        }

        return false;
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Distinct known (non-zero) years sorted ascending, mapped to 1..Y.</summary>
    private static Dictionary<int, int> YearVocabulary(List<int> years)
    {
        var distinct = new SortedSet<int>();
        foreach (var year in years)
        {
            if (year != 0)
            {
                distinct.Add(year);
            }
        }

        var vocabulary = new Dictionary<int, int>(distinct.Count);
        foreach (var year in distinct)
        {
            vocabulary.Add(year, vocabulary.Count + 1);
        }

        return vocabulary;
    }

    private static int[] SortedOrder(int[] keys, int count)
    {
        var sortedKeys = keys.AsSpan(0, count).ToArray();
        var order = new int[count];
        for (var i = 0; i < count; i++)
        {
            order[i] = i;
        }

        Array.Sort(sortedKeys, order);
        return order;
    }

    private static Dictionary<int, int> IndexOf(int[] sortedIds)
    {
        var index = new Dictionary<int, int>(sortedIds.Length);
        for (var i = 0; i < sortedIds.Length; i++)
        {
            index.Add(sortedIds[i], i);
        }

        return index;
    }

    private static InvalidDataException Malformed(string path, int lineNumber, string problem, ReadOnlySpan<byte> line) =>
        new($"{path}, line {lineNumber}: {problem}, found '{Preview(Encoding.Latin1.GetString(line))}'.");

    private static string Preview(ReadOnlySpan<char> line) =>
        line.Length <= 80 ? line.ToString() : string.Concat(line[..77], "...");

    private sealed record UsersTable(int[] UserIds, CategoricalField[] Fields, int ZipPrefixVocabSize);

    private sealed record MoviesTable(int[] MovieIds, CategoricalField Genres, CategoricalField Year);

    private sealed record RatingsTable(int[] Offsets, int[] Items);

    /// <summary>Walks the lines of an ASCII/Latin-1 byte buffer, trimming CR and trailing blanks and skipping blank lines.</summary>
    private ref struct LineCursor(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _position;
        private int _lineNumber;

        public bool TryNext(out ReadOnlySpan<byte> line, out int lineNumber)
        {
            while (_position < _data.Length)
            {
                var rest = _data[_position..];
                var newline = rest.IndexOf((byte)'\n');
                var raw = newline < 0 ? rest : rest[..newline];
                _position += newline < 0 ? rest.Length : newline + 1;
                _lineNumber++;
                line = raw.TrimEnd(" \t\r"u8);
                if (!line.IsEmpty)
                {
                    lineNumber = _lineNumber;
                    return true;
                }
            }

            line = default;
            lineNumber = _lineNumber;
            return false;
        }
    }
}
