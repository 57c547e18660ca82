using InternS1.Batch.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace InternS1.Batch.Storage;

/// <summary>The EF Core model of the InternS1.Batch database (snake_case names via the naming
/// convention). The schema is owned by the migrations in <c>migrations/InternS1.Batch.Migrations</c>.</summary>
public sealed class InternS1DbContext(DbContextOptions<InternS1DbContext> options) : DbContext(options)
{
    /// <summary>The assembly holding the migrations.</summary>
    public const string MigrationsAssembly = "InternS1.Batch.Migrations";

    public DbSet<Dataset> Datasets => Set<Dataset>();
    public DbSet<Job> Jobs => Set<Job>();
    public DbSet<JobResult> Results => Set<JobResult>();
    public DbSet<TokenUsage> TokenUsage => Set<TokenUsage>();
    public DbSet<DeadLetter> DeadLetters => Set<DeadLetter>();
    public DbSet<SupersededJob> SupersededJobs => Set<SupersededJob>();
    public DbSet<Cancellation> Cancellations => Set<Cancellation>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(InternS1DbContext).Assembly);
    }

    /// <summary>Applies the provider, naming convention and migrations assembly to an options builder.</summary>
    public static DbContextOptionsBuilder Configure(DbContextOptionsBuilder builder, Npgsql.NpgsqlDataSource dataSource)
        => builder
            .UseNpgsql(dataSource, npgsql => npgsql.MigrationsAssembly(MigrationsAssembly))
            .UseSnakeCaseNamingConvention();

    /// <summary>Applies the provider, naming convention and migrations assembly to an options builder.</summary>
    public static DbContextOptionsBuilder Configure(DbContextOptionsBuilder builder, string connectionString)
        => builder
            .UseNpgsql(connectionString, npgsql => npgsql.MigrationsAssembly(MigrationsAssembly))
            .UseSnakeCaseNamingConvention();

    /// <summary>A context factory on <paramref name="connectionString"/> outside dependency injection
    /// (scratch databases, tools, tests), configured like <see cref="Configure(DbContextOptionsBuilder, string)"/>.</summary>
    public static IDbContextFactory<InternS1DbContext> CreateFactory(string connectionString)
    {
        var options = new DbContextOptionsBuilder<InternS1DbContext>();
        Configure(options, connectionString);
        return new PooledDbContextFactory<InternS1DbContext>(options.Options);
    }
}
