using Chat.Actors.Hosting;
using Chat.Res.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddHealthChecks();
builder.Services.AddChatCluster(builder.Configuration);
builder.Services.AddChatRes(builder.Configuration);

var app = builder.Build();
app.MapHealthChecks("/health");
app.MapHealthChecks("/alive", new() { Predicate = check => check.Tags.Contains("liveness") });
app.Run();
