using InternS1.Batch.Storage.Cancelling;
using InternS1.Batch.Storage.Export;
using InternS1.Batch.Storage.Ledger;
using InternS1.Batch.Storage.Reporting;
using InternS1.Batch.Storage.Schema;
using InternS1.Batch.Storage.Writing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

namespace InternS1.Batch.Storage;

/// <summary>Registers the database services.</summary>
public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="StorageOptions"/> (validated on start), one <see cref="NpgsqlDataSource"/> for
    /// <c>ConnectionStrings:Postgres</c>, an <see cref="IDbContextFactory{TContext}"/> of
    /// <see cref="InternS1DbContext"/>, <see cref="JobLedger"/>, <see cref="JobStateReader"/>, <see cref="SubmissionLedger"/>, <see cref="ResultWriter"/> (a singleton;
    /// the worker also runs it as a hosted service) and the queries behind status, export and requeue
    /// (<see cref="ProgressReader"/>, <see cref="RateReader"/>, <see cref="ExportReader"/>, <see cref="DeadLetterStore"/>),
    /// the <see cref="JobCanceller"/> behind <c>interns1 cancel</c>, and the
    /// <see cref="SchemaMigrator"/> (on <c>ConnectionStrings:PostgresOwner</c>, else <c>ConnectionStrings:Postgres</c>).
    /// </summary>
    public static IServiceCollection AddInternS1Storage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(_ =>
        {
            var connectionString = configuration.GetConnectionString(StorageOptions.ConnectionStringName);
            if (string.IsNullOrWhiteSpace(connectionString))
                throw new InvalidOperationException(
                    $"ConnectionStrings:{StorageOptions.ConnectionStringName} is not set (appsettings.json, or the environment variable ConnectionStrings__{StorageOptions.ConnectionStringName}).");
            return new NpgsqlDataSourceBuilder(connectionString).Build();
        });
        services.AddDbContextFactory<InternS1DbContext>((sp, options) => InternS1DbContext.Configure(options, sp.GetRequiredService<NpgsqlDataSource>()));
        services.TryAddSingleton<JobLedger>();
        services.TryAddSingleton<JobStateReader>();
        services.TryAddSingleton<SubmissionLedger>();
        services.TryAddSingleton<ResultWriter>();
        services.TryAddSingleton<ProgressReader>();
        services.TryAddSingleton<RateReader>();
        services.TryAddSingleton<JobCanceller>();
        services.TryAddSingleton<ExportReader>();
        services.TryAddSingleton<DeadLetterStore>();
        services.TryAddSingleton(_ => SchemaMigrator.FromConfiguration(configuration));
        return services;
    }
}
