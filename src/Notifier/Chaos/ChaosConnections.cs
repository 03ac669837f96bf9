using Alerts.Notifier.Receiving;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Alerts.Notifier.Chaos;

/// <summary>The Refuse outage at the connection level: below HTTP, so the sender sees a connection error, not a status.</summary>
public static class ChaosConnections
{
    public static void RefuseConnectionsDuringOutages(this ListenOptions listen) =>
        listen.Use(next => async connection =>
        {
            var services = listen.ApplicationServices;
            if (services.GetRequiredService<ChaosScript>().RefusesConnections())
            {
                services.GetRequiredService<NotifierStats>().Outage();
                connection.Abort(new ConnectionAbortedException("outage (chaos)"));
                return;
            }
            await next(connection);
        });
}
