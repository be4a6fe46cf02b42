using System.Reflection;
using System.Text;
using FitCluster.Grains.Interfaces;
using Orleans.CodeGeneration;

namespace FitCluster.Grains.Tests;

/// <summary>
/// The grain contract (interfaces, methods, wire types, their aliases and serialized members in order) against the
/// checked-in <c>contract.snapshot.txt</c>: a change to the wire format must be a reviewed change to that file.
/// </summary>
public sealed class ContractSnapshotTests
{
    private const string SnapshotName = "contract.snapshot.txt";

    [Fact]
    public void Contract_MatchesCheckedInSnapshot()
    {
        var actual = Describe(typeof(IRankingGrain).Assembly);
        var directory = SourceDirectory();
        var expected = File.ReadAllText(Path.Combine(directory, SnapshotName)).ReplaceLineEndings("\n");
        if (expected != actual)
        {
            File.WriteAllText(Path.Combine(directory, "contract.snapshot.received.txt"), actual);
            Assert.Fail($"The grain contract changed. Review tests/FitCluster.Grains.Tests/contract.snapshot.received.txt and, if the change is " +
                $"intended (append-only: never reorder or reuse members; a method added to a grain interface bumps its [Version]), copy it over {SnapshotName}.");
        }
    }

    [Fact]
    public void GrainInterfaces_AllCarryAVersion()
    {
        // Rolling upgrades route calls by interface version (docs/architecture.md): an unversioned interface would be
        // version 0 forever, and a method added to it could reach a silo that lacks it.
        var unversioned = typeof(IRankingGrain).Assembly.GetExportedTypes()
            .Where(t => t.IsInterface && typeof(IGrain).IsAssignableFrom(t) && t.GetCustomAttribute<VersionAttribute>() is not { Version: >= 1 })
            .Select(t => t.Name);
        Assert.Empty(unversioned);
    }

    internal static string Describe(Assembly assembly)
    {
        var text = new StringBuilder();
        foreach (var type in assembly.GetExportedTypes().OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            var alias = type.GetCustomAttribute<AliasAttribute>()?.Alias ?? "(no alias)";
            if (type.IsInterface)
            {
                var version = type.GetCustomAttribute<VersionAttribute>()?.Version.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(none)";
                text.Append("interface ").Append(type.Name).Append(" alias ").Append(alias).Append(" version ").Append(version).Append(" : ")
                    .AppendJoin(", ", type.GetInterfaces().Select(i => i.Name).Order(StringComparer.Ordinal)).Append('\n');
                foreach (var method in type.GetMethods().OrderBy(m => m.Name, StringComparer.Ordinal))
                {
                    text.Append("  ").Append(Name(method.ReturnType)).Append(' ').Append(method.Name).Append('(')
                        .AppendJoin(", ", method.GetParameters().Select(p => $"{Name(p.ParameterType)} {p.Name}"))
                        .Append(") alias ").Append(method.GetCustomAttribute<AliasAttribute>()?.Alias ?? "(none)").Append('\n');
                }

                continue;
            }

            var immutable = type.GetCustomAttribute<ImmutableAttribute>() is not null ? " immutable" : string.Empty;
            text.Append(type.IsValueType ? "struct " : "class ").Append(type.Name).Append(" alias ").Append(alias).Append(immutable).Append('\n');
            var constructor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).FirstOrDefault();
            foreach (var parameter in constructor?.GetParameters() ?? [])
            {
                text.Append("  ").Append(Name(parameter.ParameterType)).Append(' ').Append(parameter.Name).Append('\n');
            }
        }

        return text.ToString();
    }

    private static string Name(Type type) => type.IsGenericType
        ? $"{type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)]}<{string.Join(", ", type.GetGenericArguments().Select(Name))}>"
        : type.Name;

    private static string SourceDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "FitCluster.Grains.Tests");
            if (File.Exists(Path.Combine(candidate, SnapshotName)))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"No tests/FitCluster.Grains.Tests/{SnapshotName} above {AppContext.BaseDirectory}.");
    }
}
