namespace Gordo.Interop.Tests;

/// <summary>Finds the shared conformance corpus (../shared next to the repository root).</summary>
internal static class Conformance
{
    private static readonly Lazy<string> Folder = new(Find);

    public static string Config(string name) => Path.Combine(Folder.Value, name);

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "conformance", "gordo-configs");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException(
            "shared/conformance/gordo-configs not found above " + AppContext.BaseDirectory);
    }
}
