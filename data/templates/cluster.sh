#!/bin/sh
# placeholder: written next
