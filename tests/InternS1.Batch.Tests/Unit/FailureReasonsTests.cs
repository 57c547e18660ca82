using System.Text.RegularExpressions;
using InternS1.Batch.Contracts.Failures;
using InternS1.Batch.Tests.Infrastructure;

namespace InternS1.Batch.Tests.Unit;

public class FailureReasonsTests
{
    [Fact]
    public void The_vocabulary_lists_each_code_once()
        => Assert.Equal(FailureReasons.All.Count, FailureReasons.All.Distinct(StringComparer.Ordinal).Count());

    [Fact]
    public void Every_public_code_constant_is_in_the_vocabulary()
    {
        var constants = typeof(FailureReasons).GetFields()
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)
            .Order(StringComparer.Ordinal);
        Assert.Equal(constants, FailureReasons.All.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_readme_documents_exactly_the_codes_of_the_vocabulary()
    {
        var readme = File.ReadAllText(Path.Combine(TestServices.RepositoryRoot, "README.md"));
        var sentence = Regex.Match(readme, @"a `dead_letters` row with a\s+`reason_code`:(?<codes>[^.]*)\.");
        Assert.True(sentence.Success, "README.md no longer has the sentence listing the reason codes");
        var documented = Regex.Matches(sentence.Groups["codes"].Value, "`([a-z_]+)`").Select(m => m.Groups[1].Value);
        Assert.Equal(FailureReasons.All.Order(StringComparer.Ordinal), documented.Order(StringComparer.Ordinal));
    }
}
