using System.Reflection;

namespace InternS1.Batch.Migrations;

/// <summary>Reads the SQL files embedded from <c>Sql/</c> (views and roles the model cannot express).</summary>
public static class SqlScripts
{
    /// <summary>The text of <c>Sql/{name}</c>.</summary>
    public static string Read(string name)
    {
        var assembly = typeof(SqlScripts).Assembly;
        var resource = assembly.GetManifestResourceNames().SingleOrDefault(n => n.EndsWith("Sql." + name, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"Embedded SQL script Sql/{name} not found in {assembly.GetName().Name}.");
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
