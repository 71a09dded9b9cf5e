from heritage.cli import main

main()
