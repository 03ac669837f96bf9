return await Alerts.Cli.CliApp.RunAsync(args, Console.Out, Console.Error);
