using InternS1.Batch.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace InternS1.Batch.Migrations;

/// <summary>Lets <c>dotnet ef</c> build the model without the application host. The connection string
/// comes from <c>ConnectionStrings__PostgresOwner</c> (the owner role: migrations are DDL), else
/// <c>ConnectionStrings__Postgres</c>; without either, a password-less address of the
/// ops/services.sh database is used, which is enough for <c>dotnet ef migrations add</c> (no connection).</summary>
public sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<InternS1DbContext>
{
    public InternS1DbContext CreateDbContext(string[] args)
    {
        var connectionString = Environment.GetEnvironmentVariable("ConnectionStrings__PostgresOwner")
            ?? Environment.GetEnvironmentVariable("ConnectionStrings__Postgres")
            ?? "Host=127.0.0.1;Port=55432;Database=interns1;Username=interns1";
        var builder = new DbContextOptionsBuilder<InternS1DbContext>();
        InternS1DbContext.Configure(builder, connectionString);
        return new InternS1DbContext(builder.Options);
    }
}
