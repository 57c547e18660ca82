using InternS1.Batch.Storage;
using InternS1.Batch.Worker.Hosting;
using InternS1.Batch.Worker.Messaging;
using InternS1.Batch.Worker.Options;
using InternS1.Batch.Worker.Validation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace InternS1.Batch.Cli.Composition;

/// <summary>The services of the short-lived commands (submit, status, export, dead-letters, migrate):
/// configuration as the worker reads it, storage, the broker address and the validator.</summary>
internal static class CliServices
{
    public static ServiceProvider Build(IConfiguration? configuration = null)
    {
        configuration ??= InternS1Host.BuildConfiguration();
        var services = new ServiceCollection();
        services.AddSingleton(configuration);
        // NOTE: the database client's own error logs (with stack traces) are off: a failed command reports the failure once
        // (Reporting.CliErrors).
        services.AddLogging(b => b.AddConfiguration(configuration.GetSection("Logging")).AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning)
            .AddFilter("Microsoft.EntityFrameworkCore", LogLevel.None).AddFilter("Npgsql", LogLevel.None));
        services.AddInternS1Storage(configuration);
        services.AddOptions<WorkerOptions>().BindConfiguration(WorkerOptions.SectionName).ValidateDataAnnotations();
        services.AddOptions<JobValidationOptions>().BindConfiguration(JobValidationOptions.SectionName).ValidateDataAnnotations();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<SubmitPromptJobValidator>();
        services.AddSingleton(_ => RabbitMqAddress.FromConfiguration(configuration));
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = false });
    }
}
