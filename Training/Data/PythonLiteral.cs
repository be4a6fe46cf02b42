using System.Globalization;
using System.Text;

namespace FitCluster.Training.Data;

/// <summary>
/// Parses one Python literal expression, the form of the 2014 Amazon metadata lines (<c>str(dict)</c>, not JSON):
/// dicts, lists, tuples, strings in single or double quotes with Python escapes, integers, floats, <c>True</c>,
/// <c>False</c> and <c>None</c>.
/// </summary>
/// <remarks>
/// <para>Results: <see cref="string"/>, <see cref="long"/> (or <see cref="double"/> when the integer does not fit),
/// <see cref="double"/>, <see cref="bool"/>, null, <see cref="List{T}"/> of <see cref="object"/> (lists and tuples) and
/// <see cref="Dictionary{TKey, TValue}"/> keyed by the key's text (a non-string key such as <c>1</c> becomes <c>"1"</c>).
/// Not supported, as <c>str(dict)</c> of that data never produces them: string prefixes (r, b, u), implicit string
/// concatenation, sets, complex numbers and <c>\N{name}</c> escapes.</para>
/// <para>Thread-safe: no shared state.</para>
/// </remarks>
public static class PythonLiteral
{
    /// <summary>Parses <paramref name="text"/>, which must hold exactly one literal (surrounding whitespace allowed).</summary>
    /// <exception cref="FormatException">The text is not a supported literal; the message gives the offset.</exception>
    public static object? Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parser = new Parser(text);
        var value = parser.ParseValue();
        parser.SkipWhitespace();
        return parser.AtEnd ? value : throw parser.Error("unexpected text after the literal");
    }

    private ref struct Parser(string text)
    {
        private readonly string _text = text;
        private int _position;

        public readonly bool AtEnd => _position >= _text.Length;

        public object? ParseValue()
        {
            SkipWhitespace();
            if (AtEnd)
            {
                throw Error("unexpected end of text");
            }

            var c = _text[_position];
            switch (c)
            {
                case '{':
                    return ParseDict();
                case '[':
                    return ParseSequence(']');
                case '(':
                    return ParseSequence(')');
                case '\'' or '"':
                    return ParseString();
                default:
                    if (c is '-' or '+' or '.' || char.IsAsciiDigit(c))
                    {
                        return ParseNumber();
                    }

                    return ParseName();
            }
        }

        public void SkipWhitespace()
        {
            while (!AtEnd && char.IsWhiteSpace(_text[_position]))
            {
                _position++;
            }
        }

        public readonly FormatException Error(string problem) => new($"Python literal: {problem} at offset {_position}.");

        private Dictionary<string, object?> ParseDict()
        {
            _position++; // '{'
            var dict = new Dictionary<string, object?>(StringComparer.Ordinal);
            SkipWhitespace();
            while (!TryConsume('}'))
            {
                var key = ParseValue();
                SkipWhitespace();
                Expect(':');
                dict[KeyText(key)] = ParseValue();
                SkipWhitespace();
                if (!TryConsume(','))
                {
                    SkipWhitespace();
                    Expect('}');
                    break;
                }

                SkipWhitespace();
            }

            return dict;
        }

        private List<object?> ParseSequence(char close)
        {
            _position++; // '[' or '('
            var list = new List<object?>();
            SkipWhitespace();
            while (!TryConsume(close))
            {
                list.Add(ParseValue());
                SkipWhitespace();
                if (!TryConsume(','))
                {
                    SkipWhitespace();
                    Expect(close);
                    break;
                }

                SkipWhitespace();
            }

            return list;
        }

        private string ParseString()
        {
            var quote = _text[_position++];
            var builder = new StringBuilder();
            while (true)
            {
                if (AtEnd)
                {
                    throw Error("unterminated string");
                }

                var c = _text[_position++];
                if (c == quote)
                {
                    return builder.ToString();
                }

                if (c == '\\')
                {
                    ParseEscape(builder);
                }
                else if (c == '\n')
                {
                    throw Error("line break inside a string");
                }
                else
                {
                    builder.Append(c);
                }
            }
        }

        private void ParseEscape(StringBuilder builder)
        {
            if (AtEnd)
            {
                throw Error("unterminated escape");
            }

            var c = _text[_position++];
            switch (c)
            {
                case '\n': break; // line continuation
                case '\\' or '\'' or '"': builder.Append(c); break;
                case 'n': builder.Append('\n'); break;
                case 't': builder.Append('\t'); break;
                case 'r': builder.Append('\r'); break;
                case 'a': builder.Append('\a'); break;
                case 'b': builder.Append('\b'); break;
                case 'f': builder.Append('\f'); break;
                case 'v': builder.Append('\v'); break;
                case 'x': AppendCodePoint(builder, ParseHex(2)); break;
                case 'u': AppendCodePoint(builder, ParseHex(4)); break;
                case 'U': AppendCodePoint(builder, ParseHex(8)); break;
                case >= '0' and <= '7':
                    var value = c - '0';
                    for (var i = 0; i < 2 && !AtEnd && _text[_position] is >= '0' and <= '7'; i++)
                    {
                        value = (value * 8) + (_text[_position++] - '0');
                    }

                    AppendCodePoint(builder, value);
                    break;
                default:
                    builder.Append('\\').Append(c); // Python keeps unknown escapes verbatim
                    break;
            }
        }

        private int ParseHex(int digits)
        {
            if (_position + digits > _text.Length
                || !int.TryParse(_text.AsSpan(_position, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value))
            {
                throw Error($"expected {digits} hex digits");
            }

            _position += digits;
            return value;
        }

        private readonly void AppendCodePoint(StringBuilder builder, int codePoint)
        {
            if (codePoint > 0x10FFFF)
            {
                throw Error($"code point {codePoint:X} out of range");
            }

            if (codePoint is >= 0xD800 and <= 0xDFFF)
            {
                builder.Append((char)codePoint); // a lone surrogate, as Python allows
            }
            else
            {
                builder.Append(char.ConvertFromUtf32(codePoint));
            }
        }

        private object ParseNumber()
        {
            var start = _position;
            while (!AtEnd && (char.IsAsciiLetterOrDigit(_text[_position]) || _text[_position] is '-' or '+' or '.' or '_'))
            {
                _position++;
            }

            var token = _text.AsSpan(start, _position - start);
            if (token.ContainsAny('.', 'e', 'E') || token.EndsWith("inf", StringComparison.Ordinal))
            {
                return double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out var real)
                    ? real
                    : throw Error($"bad number '{token}'");
            }

            if (long.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
            {
                return integer;
            }

            return double.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var big)
                ? big
                : throw Error($"bad number '{token}'");
        }

        private object? ParseName()
        {
            var start = _position;
            while (!AtEnd && char.IsAsciiLetter(_text[_position]))
            {
                _position++;
            }

            return _text.AsSpan(start, _position - start) switch
            {
                "True" => true,
                "False" => false,
                "None" => null,
                var name => throw Error($"unexpected '{(name.IsEmpty ? _text[start].ToString() : name.ToString())}'"),
            };
        }

        private bool TryConsume(char c)
        {
            if (!AtEnd && _text[_position] == c)
            {
                _position++;
                return true;
            }

            return false;
        }

        private void Expect(char c)
        {
            if (!TryConsume(c))
            {
                throw Error($"expected '{c}'");
            }
        }

        private readonly string KeyText(object? key) => key switch
        {
            string text => text,
            long or double or bool => Convert.ToString(key, CultureInfo.InvariantCulture)!,
            null => "None",
            _ => throw Error("a list or dict cannot be a dict key"),
        };
    }
}
