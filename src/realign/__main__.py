from realign.cli.main import app

app(prog_name="realign")
