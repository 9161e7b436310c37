"""The e-mail gateway: posting by e-mail to a secret address (`chirvir smtpd` receives it), replies
to notification e-mails, and batched notification e-mails with one-click unsubscribe."""
