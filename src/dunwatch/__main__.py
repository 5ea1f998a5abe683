from dunwatch.cli import main

main()
