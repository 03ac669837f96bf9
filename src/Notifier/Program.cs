using Alerts.Notifier.Hosting;

await NotifierApp.Build(args).RunAsync();
