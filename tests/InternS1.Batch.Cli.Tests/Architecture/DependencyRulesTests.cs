namespace InternS1.Batch.Cli.Tests.Architecture;

/// <summary>
/// The dependency rules of the design (architecture.md, "Projects"), checked on the references the compiler
/// recorded in each product assembly. What is allowed, exactly:
/// <list type="bullet">
/// <item>Model side (<c>InternS1.*</c>): Text and Media use no other project; Engine may use Text; Engine.Torch
/// may use Engine and Text. None of them references an <c>InternS1.Batch.*</c> assembly.</item>
/// <item>TorchSharp: Engine.Torch; the benchmarks (they measure it: the naive MoE loop, matmul timing); the CLI
/// as the composition root that picks the local runner (its model tools included).</item>
/// <item>EF Core (<c>Microsoft.EntityFrameworkCore*</c>, <c>Npgsql.EntityFrameworkCore*</c>, <c>EFCore.*</c>):
/// Storage and Migrations; the benchmarks (their baseline saves each result with its own SaveChanges).</item>
/// <item>Npgsql: Storage; the Worker (its readiness check pings the database).</item>
/// <item>MassTransit: the Worker; the benchmarks (the naive consumer); the CLI (composition root).</item>
/// <item>RabbitMQ.Client: the Worker (the raw publisher, queue topology, scratch queues).</item>
/// <item>Contracts: the framework only. The CLI: no SQL client, no EF Core, no AMQP client of its own.</item>
/// <item>The fake OpenAI-compatible server (test support): the benchmarks only (<c>bench remote</c>); no product code.</item>
/// </list>
/// </summary>
public class DependencyRulesTests
{
    private static bool IsEfCore(string name) => name.StartsWith("Microsoft.EntityFrameworkCore", StringComparison.Ordinal)
        || name.StartsWith("Npgsql.EntityFrameworkCore", StringComparison.Ordinal) || name.StartsWith("EFCore.", StringComparison.Ordinal);

    private static bool IsProject(string name) => name == "interns1" || name.StartsWith("InternS1.", StringComparison.Ordinal);

    [Fact]
    public void Every_product_assembly_next_to_the_tests_is_one_the_rules_know()
    {
        var found = Directory.GetFiles(AppContext.BaseDirectory, "InternS1.*.dll").Select(Path.GetFileNameWithoutExtension)
            .Where(n => !n!.EndsWith(".Tests", StringComparison.Ordinal) && !AssemblyReferences.TestSupport.Contains(n))
            .Order(StringComparer.Ordinal).ToList();
        Assert.Equal(AssemblyReferences.Product.Keys.Where(k => k != "interns1").Order(StringComparer.Ordinal), found);
    }

    [Theory]
    [InlineData("InternS1.Text")]
    [InlineData("InternS1.Media")]
    [InlineData("InternS1.Engine", "InternS1.Text")]
    [InlineData("InternS1.Engine.Torch", "InternS1.Engine", "InternS1.Text")]
    public void A_model_side_assembly_uses_only_the_model_side_projects_below_it(string assembly, params string[] below)
    {
        var projects = AssemblyReferences.Of(assembly).Where(IsProject).ToList();
        Assert.True(projects.All(below.Contains), $"{assembly} references {string.Join(", ", projects.Except(below))}; allowed: {string.Join(", ", below)}");
    }

    [Fact]
    public void Only_engine_torch_the_benchmarks_and_the_composition_root_reference_torchsharp()
        => Assert.Empty(AssemblyReferences.Violations(r => r.StartsWith("TorchSharp", StringComparison.Ordinal),
            "InternS1.Engine.Torch", "InternS1.Batch.Benchmarks", "interns1"));

    [Fact]
    public void Only_storage_migrations_and_the_benchmark_baseline_reference_ef_core()
        => Assert.Empty(AssemblyReferences.Violations(IsEfCore, "InternS1.Batch.Storage", "InternS1.Batch.Migrations", "InternS1.Batch.Benchmarks"));

    [Fact]
    public void Only_storage_and_the_worker_health_check_use_the_sql_client()
        => Assert.Empty(AssemblyReferences.Violations(r => r == "Npgsql", "InternS1.Batch.Storage", "InternS1.Batch.Worker"));

    [Fact]
    public void Only_the_worker_the_benchmarks_and_the_composition_root_reference_masstransit()
        => Assert.Empty(AssemblyReferences.Violations(r => r.StartsWith("MassTransit", StringComparison.Ordinal),
            "InternS1.Batch.Worker", "InternS1.Batch.Benchmarks", "interns1"));

    [Fact]
    public void Only_the_benchmarks_use_the_fake_server_of_the_tests()
        => Assert.Empty(AssemblyReferences.Violations(r => AssemblyReferences.TestSupport.Contains(r), "InternS1.Batch.Benchmarks"));

    [Fact]
    public void Only_the_worker_speaks_amqp_directly()
        => Assert.Empty(AssemblyReferences.Violations(r => r.StartsWith("RabbitMQ.Client", StringComparison.Ordinal), "InternS1.Batch.Worker"));

    [Fact]
    public void The_contracts_reference_nothing_but_the_framework()
    {
        var references = AssemblyReferences.Of("InternS1.Batch.Contracts");
        Assert.True(references.All(r => r.StartsWith("System", StringComparison.Ordinal) || r is "netstandard" or "mscorlib"),
            "InternS1.Batch.Contracts references " + string.Join(", ", references));
    }

    [Fact]
    public void The_cli_does_no_database_or_queue_work_of_its_own()
    {
        var references = AssemblyReferences.Of("interns1");
        var own = references.Where(r => r.StartsWith("Npgsql", StringComparison.Ordinal) || IsEfCore(r)
            || r.StartsWith("RabbitMQ.Client", StringComparison.Ordinal) || r == "System.Data.Common").ToList();
        Assert.True(own.Count == 0, "interns1 (src/InternS1.Batch.Cli) references " + string.Join(", ", own) + ": move that work to Storage or the Worker");
    }
}
