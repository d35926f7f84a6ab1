import ArgumentParser
import CityIOCServer
print("hi")
